/**
 * EXTRA_DOMAINS as Co-op Cloud recipes use it: text spliced into a Traefik rule after the main
 * domain, `Host(\`${DOMAIN}\`${EXTRA_DOMAINS})`, so its value is a list of backticked names each
 * preceded by a comma: `, \`www.example.com\`, \`example.org\``. Anything else in it would end up
 * in the router rule, so it is a problem to report rather than text to skip.
 */

import { shownName } from '../names/segment.js';

export type ExtraDomains = { ok: true; domains: string[] } | { ok: false; problem: string };

// A DNS name as a certificate can carry it: labels of letters, digits and hyphens (a leading
// `*.` for a wildcard), at least one dot. Traefik and ACME refuse anything else.
const HOSTNAME = /^(\*\.)?(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))+$/;

export function parseExtraDomains(value: string | undefined): ExtraDomains {
  const text = (value ?? '').trim();
  if (text === '') return { ok: true, domains: [] };
  const domains: string[] = [];
  let rest = text;
  while (rest.length > 0) {
    const m = /^,\s*`([^`]*)`\s*/.exec(rest);
    if (!m) {
      return {
        ok: false,
        problem: rest.startsWith('`')
          ? `expected ", " before \`${shownName(rest.slice(1).split('`')[0] ?? '', 40)}\` (the list is spliced after DOMAIN in Host(...))`
          : `unexpected text "${shownName(rest, 40)}" (expected , \`name\` entries)`,
      };
    }
    const name = m[1] ?? '';
    if (!HOSTNAME.test(name) || name.length > 253) {
      return { ok: false, problem: `"${shownName(name, 80)}" is not a domain name` };
    }
    if (!domains.includes(name.toLowerCase())) domains.push(name.toLowerCase());
    rest = rest.slice(m[0].length);
  }
  return { ok: true, domains };
}

/** The Host(...) names of a Traefik rule (`Host(\`a\`, \`b\`) || Host(\`c\`)`), in order. */
export function ruleHosts(rule: string): string[] {
  const hosts: string[] = [];
  for (const m of rule.matchAll(/Host\(([^)]*)\)/g)) {
    for (const h of (m[1] ?? '').matchAll(/`([^`]+)`/g)) {
      const name = (h[1] ?? '').toLowerCase();
      if (!hosts.includes(name)) hosts.push(name);
    }
  }
  return hosts;
}
