// The docker client rewrites a service's image before sending it (client.ServiceCreate/Update:
// "ensure that the image is tagged"): the reference is parsed the way `docker pull` parses it,
// given ":latest" when it has neither tag nor digest, and printed in its familiar form
// ("docker.io/library/nginx" -> "nginx:latest"). An unparseable reference is sent unchanged.
// The com.docker.stack.image label keeps the compose text.

const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(
  `^((?:(${DOMAIN})/)?(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*))(?::(${TAG}))?(?:@(${DIGEST}))?$`,
);
const IDENTIFIER = /^[a-f0-9]{64}$/;
const DEFAULT_DOMAIN = 'docker.io';
const OFFICIAL = 'library/';

/** distribution/reference splitDockerDomain: `nginx` -> [docker.io, library/nginx]. */
export function splitDomain(name: string): [string, string] {
  const i = name.indexOf('/');
  const first = i < 0 ? '' : name.slice(0, i);
  let domain: string;
  let rest: string;
  if (i < 0 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    domain = DEFAULT_DOMAIN;
    rest = name;
  } else {
    domain = first;
    rest = name.slice(i + 1);
  }
  if (domain === 'index.docker.io') domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !rest.includes('/')) rest = OFFICIAL + rest;
  return [domain, rest];
}

export function familiarImage(image: string): string {
  if (IDENTIFIER.test(image)) return image;
  const [domain, rest] = splitDomain(image);
  const colon = rest.indexOf(':');
  const repo = colon < 0 ? rest : rest.slice(0, colon);
  if (repo.toLowerCase() !== repo) return image;
  const m = REFERENCE.exec(`${domain}/${rest}`);
  if (!m || (m[1] ?? '').length > 255) return image;
  const [, , , path = '', tag, digest] = m;
  let name = path;
  if (domain !== DEFAULT_DOMAIN) name = `${domain}/${path}`;
  else if (path.startsWith(OFFICIAL) && !path.slice(OFFICIAL.length).includes('/'))
    name = path.slice(OFFICIAL.length);
  const withTag = tag ?? (digest ? undefined : 'latest');
  return `${name}${withTag ? `:${withTag}` : ''}${digest ? `@${digest}` : ''}`;
}
