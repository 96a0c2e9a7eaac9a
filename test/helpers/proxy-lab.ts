import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from './lab.js';

// The proxy as the lab deploys it (test/e2e/proxy-tls.test.ts on the main lab swarm,
// test/e2e/fresh-host-tls.test.ts on a freshly bootstrapped host): the corpus traefik recipe plus
// the three config templates its compose file names, a test overlay (compose.lab.yml) swapping
// in the lab's Traefik stand-in (abra-lab/proxy-fixture:1, a test fixture) and pebble as the ACME
// CA, and `labweb`, an nginx recipe routed by the usual traefik.* labels.

const FIXTURES = new URL('../fixtures/recipes/', import.meta.url).pathname;

/** The images a server needs to run the proxy and labweb (the fresh host loads them). */
export const proxyLabImages = (lab: Lab): string[] => [
  lab.images.proxyFixture,
  lab.images.pebble,
  lab.images.nginx,
];

// The templates the traefik recipe's compose.yml names (the corpus copy keeps compose files
// only), written as the recipe has them: swarm renders them with the service's environment.
const TRAEFIK_YML = `log:
  level: {{ env "LOG_LEVEL" }}
providers:
  docker:
    endpoint: "unix:///var/run/docker.sock"
    exposedByDefault: false
    network: proxy
    swarmMode: true
  file:
    filename: /etc/traefik/file-provider.yml
entrypoints:
  web:
    address: ":80"
    http:
      redirections:
        entryPoint:
          to: web-secure
  web-secure:
    address: ":443"
certificatesResolvers:
  production:
    acme:
      email: {{ env "LETS_ENCRYPT_EMAIL" }}
      storage: /etc/letsencrypt/production-acme.json
      httpChallenge:
        entryPoint: web
`;
const FILE_PROVIDER_YML = `http:
  middlewares:
    security:
      headers:
        frameDeny: true
        stsSeconds: 31536000
tls:
  options:
    default:
      minVersion: VersionTLS12
`;
const ENTRYPOINT_SH = `#!/bin/sh
set -e
{{ if eq (env "OVH_ENABLED") "1" }}
export OVH_APPLICATION_SECRET=$(cat /run/secrets/ovh_app_secret)
{{ end }}
/entrypoint.sh "$@"
`;
const labOverlay = (lab: Lab) => `version: "3.8"
# Test overlay (not part of the recipe): the lab's traefik stand-in and ACME CA.
services:
  app:
    image: ${lab.images.proxyFixture}
    environment:
      - FIXTURE_ACME_CA=https://pebble:14000/dir
      - FIXTURE_ACME_EMAIL=\${LETS_ENCRYPT_EMAIL}
    ports:
      - target: 80
        published: 80
        mode: host
      - target: 443
        published: 443
        mode: host
    networks:
      - acme
    healthcheck:
      interval: 2s
      start_period: 5s
    # The recipe's /custom-entrypoint.sh runs /entrypoint.sh as a child, so SIGTERM stops at the
    # shell: do not wait the default 10 s on undeploy.
    stop_grace_period: 1s
    deploy:
      endpoint_mode: dnsrr
  pebble:
    image: ${lab.images.pebble}
    networks:
      - acme
    deploy:
      endpoint_mode: dnsrr
networks:
  acme:
`;
const nginxCompose = (lab: Lab) => `version: "3.8"
services:
  app:
    image: ${lab.images.nginx}
    networks:
      - proxy
    deploy:
      endpoint_mode: dnsrr
      labels:
        - "traefik.enable=true"
        - "traefik.http.services.\${STACK_NAME}.loadbalancer.server.port=80"
        - "traefik.http.routers.\${STACK_NAME}.rule=Host(\`\${DOMAIN}\`\${EXTRA_DOMAINS})"
        - "traefik.http.routers.\${STACK_NAME}.entrypoints=web-secure"
        - "traefik.http.routers.\${STACK_NAME}.tls.certresolver=\${LETS_ENCRYPT_ENV}"
        - "coop-cloud.\${STACK_NAME}.version=1.0.0+1.22"
networks:
  proxy:
    external: true
`;
const NGINX_SAMPLE = `TYPE=labweb
DOMAIN=labweb.example.com
LETS_ENCRYPT_ENV=production
## Extra domains, as Go abra's recipes list them
#EXTRA_DOMAINS=', \`www.labweb.example.com\`'
`;

function gitRepo(dir: string, tag: string): void {
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: dir });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', tag);
  git('tag', '-a', tag, '-m', tag);
}

/**
 * The recipes `traefik` (the corpus copy, its templates and compose.lab.yml, tagged
 * 2.0.0+v2.4.8) and `labweb` (1.0.0+1.22) in $ABRA_DIR/recipes, as git repositories.
 */
export function writeProxyRecipes(abraDir: string, lab: Lab): void {
  const traefik = join(abraDir, 'recipes', 'traefik');
  cpSync(join(FIXTURES, 'traefik'), traefik, { recursive: true });
  writeFileSync(join(traefik, 'traefik.yml.tmpl'), TRAEFIK_YML);
  writeFileSync(join(traefik, 'file-provider.yml.tmpl'), FILE_PROVIDER_YML);
  writeFileSync(join(traefik, 'entrypoint.sh.tmpl'), ENTRYPOINT_SH);
  writeFileSync(join(traefik, 'compose.lab.yml'), labOverlay(lab));
  gitRepo(traefik, '2.0.0+v2.4.8');
  const web = join(abraDir, 'recipes', 'labweb');
  mkdirSync(web, { recursive: true });
  writeFileSync(join(web, 'compose.yml'), nginxCompose(lab));
  writeFileSync(join(web, '.env.sample'), NGINX_SAMPLE);
  gitRepo(web, '1.0.0+1.22');
}

/** Append lines to an app's env file (as an operator edits it after `app new`). */
export function appendEnv(
  abraDir: string,
  server: string,
  domain: string,
  lines: Record<string, string>,
): void {
  const path = join(abraDir, 'servers', server, `${domain}.env`);
  const extra = Object.entries(lines).map(([k, v]) => `${k}=${v}\n`);
  writeFileSync(path, `${readFileSync(path, 'utf8')}${extra.join('')}`, { mode: 0o600 });
}

/** What a traefik app needs in its env to run with the lab overlay. */
export const proxyLabEnv = (domain: string): Record<string, string> => ({
  COMPOSE_FILE: '"compose.yml:compose.lab.yml"',
  LETS_ENCRYPT_EMAIL: `certs@${domain}`,
});

export interface CurlAnswer {
  code: number | null;
  body: string;
  verbose: string;
}

/**
 * curl as the Done-when has it: `--resolve <domain>:443:<ip>`. -k: pebble makes its
 * roots when it starts, so the chain is checked by name (curl -v prints the issuer) rather than
 * against a root file.
 */
export function curlTls(domain: string, ip: string): CurlAnswer {
  const r = spawnSync(
    'curl',
    ['-sS', '-k', '-v', '--max-time', '5', '--resolve', `${domain}:443:${ip}`, `https://${domain}/`],
    { encoding: 'utf8' },
  );
  return { code: r.status, body: r.stdout, verbose: r.stderr };
}

/** curlTls until it answers (the fixture reads labels every 2 s, then asks pebble). */
export async function curlTlsUntilAnswered(domain: string, ip: string, ms = 60_000): Promise<CurlAnswer> {
  let last = curlTls(domain, ip);
  const deadline = Date.now() + ms;
  while (last.code !== 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1000));
    last = curlTls(domain, ip);
  }
  return last;
}
