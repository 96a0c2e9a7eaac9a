// The proxy, end to end on the lab swarm: the real traefik recipe (the corpus copy, plus the
// three config templates its compose file names) deployed with `abra app new` + `abra app deploy`,
// then an nginx app behind it, reached with `curl --resolve <app>:443:127.0.0.1 https://<app>/`
// over TLS with a certificate issued by pebble.
//
// No Traefik binary exists here, so the image is swapped for the lab's test fixture
// (abra-lab/proxy-fixture:1: Caddy routing by the same traefik.* labels) through the app's env:
// COMPOSE_FILE adds the test overlay compose.lab.yml (committed into the recipe copy, as an
// operator would add an overlay), which sets `image:` to the fixture, publishes 80/443 in host
// mode (no IPVS here, so no ingress mesh) with endpoint_mode dnsrr, points the fixture's ACME
// client at a pebble service (abra-lab/pebble:1) on a network of the stack's own, and makes the
// healthcheck poll every 2 s instead of 30 s. Everything else (configs rendered by swarm's golang
// templating, the file provider, labels, entrypoint) is the recipe's.
//
// Needs host ports 80 and 443 on the lab node; every object is removed at the end.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { abra, type CliResult } from '../helpers/cli.js';
import { docker, loadLab } from '../helpers/lab.js';

const FIXTURES = new URL('../fixtures/recipes/', import.meta.url).pathname;
const ID = Math.random().toString(36).slice(2, 8);
const PROXY = `proxy-${ID}.test`;
const APP = `app-${ID}.test`;
const stackOf = (domain: string) => domain.replaceAll('.', '_');
const lab = loadLab();

const home = mkdtempSync(join(tmpdir(), 'abra-proxy-'));
const abraDir = join(home, '.abra');
const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, ABRA_DIR: abraDir, USER: 'root' };
const run = (...args: string[]): Promise<CliResult> => abra(args, env);

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
const LAB_OVERLAY = `version: "3.8"
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
const NGINX_COMPOSE = `version: "3.8"
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

function appendEnv(domain: string, lines: Record<string, string>): void {
  const path = join(abraDir, 'servers', 'default', `${domain}.env`);
  const extra = Object.entries(lines).map(([k, v]) => `${k}=${v}\n`);
  writeFileSync(path, `${readFileSync(path, 'utf8')}${extra.join('')}`, { mode: 0o600 });
}

/**
 * curl as the Done-when has it. -k: pebble makes its roots when it starts, so the chain
 * is checked by name (curl -v prints the issuer) rather than against a root file.
 */
function curlTls(domain: string): { code: number | null; body: string; verbose: string } {
  const r = spawnSync(
    'curl',
    ['-sS', '-k', '-v', '--max-time', '5', '--resolve', `${domain}:443:127.0.0.1`, `https://${domain}/`],
    { encoding: 'utf8' },
  );
  return { code: r.status, body: r.stdout, verbose: r.stderr };
}

function removeStack(stack: string): void {
  const f = `label=com.docker.stack.namespace=${stack}`;
  const ids = (args: string[]) => docker(args).split('\n').filter(Boolean);
  const quiet = (args: string[]) => {
    try {
      execFileSync('docker', args, { stdio: 'ignore' });
    } catch {
      // Already gone: cleanup is best effort.
    }
  };
  for (const s of ids(['service', 'ls', '-q', '--filter', f])) quiet(['service', 'rm', s]);
  for (const kind of ['secret', 'config'])
    for (const o of ids([kind, 'ls', '-q', '--filter', f])) quiet([kind, 'rm', o]);
  for (const label of ['coop-cloud.lock.stack', 'coop-cloud.audit.stack'])
    for (const c of ids(['config', 'ls', '-q', '--filter', `label=${label}=${stack}`]))
      quiet(['config', 'rm', c]);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const nets = ids(['network', 'ls', '-q', '--filter', f]);
    if (nets.length === 0) break;
    for (const n of nets) quiet(['network', 'rm', n]);
    execFileSync('sleep', ['0.5']);
  }
  for (const v of ids(['volume', 'ls', '-q', '--filter', f])) quiet(['volume', 'rm', v]);
}

before(() => {
  const traefik = join(abraDir, 'recipes', 'traefik');
  cpSync(join(FIXTURES, 'traefik'), traefik, { recursive: true });
  writeFileSync(join(traefik, 'traefik.yml.tmpl'), TRAEFIK_YML);
  writeFileSync(join(traefik, 'file-provider.yml.tmpl'), FILE_PROVIDER_YML);
  writeFileSync(join(traefik, 'entrypoint.sh.tmpl'), ENTRYPOINT_SH);
  writeFileSync(join(traefik, 'compose.lab.yml'), LAB_OVERLAY);
  gitRepo(traefik, '2.0.0+v2.4.8');
  const web = join(abraDir, 'recipes', 'labweb');
  mkdirSync(web, { recursive: true });
  writeFileSync(join(web, 'compose.yml'), NGINX_COMPOSE);
  writeFileSync(join(web, '.env.sample'), NGINX_SAMPLE);
  gitRepo(web, '1.0.0+1.22');
  mkdirSync(join(abraDir, 'servers', 'default'), { recursive: true });
});

after(() => {
  removeStack(stackOf(APP));
  removeStack(stackOf(PROXY));
  rmSync(home, { recursive: true, force: true });
});

describe('the traefik recipe as the proxy, with the lab fixture and pebble', () => {
  it('app new traefik + app deploy: the recipe converges with its rendered configs', async () => {
    const made = await run('app', 'new', 'traefik', '-s', 'default', '-D', PROXY, '-n');
    assert.equal(made.code, 0, made.stderr);
    appendEnv(PROXY, { COMPOSE_FILE: '"compose.yml:compose.lab.yml"', LETS_ENCRYPT_EMAIL: `certs@${PROXY}` });
    // Its own route is the dashboard (api@internal), which the fixture does not serve: no URL.
    const res = await run('app', 'deploy', PROXY, '-n', '--no-probe');
    assert.equal(res.code, 0, res.stderr);
    const stack = stackOf(PROXY);
    const spec = JSON.parse(docker(['service', 'inspect', `${stack}_app`, '--format', '{{json .Spec}}'])) as {
      TaskTemplate: { ContainerSpec: { Image: string; Configs: { File: { Name: string } }[] } };
      EndpointSpec: { Mode: string; Ports: { PublishMode: string; PublishedPort: number }[] };
    };
    assert.equal(spec.TaskTemplate.ContainerSpec.Image, lab.images.proxyFixture);
    assert.deepEqual(spec.TaskTemplate.ContainerSpec.Configs.map((c) => c.File.Name).sort(), [
      '/custom-entrypoint.sh',
      '/etc/traefik/file-provider.yml',
      '/etc/traefik/traefik.yml',
    ]);
    assert.deepEqual(spec.EndpointSpec.Ports.map((p) => `${p.PublishMode}:${p.PublishedPort}`).sort(), [
      'host:443',
      'host:80',
    ]);
    // Swarm rendered the recipe's golang templates with the app's env.
    const container = docker(['ps', '-q', '--filter', `label=com.docker.swarm.service.name=${stack}_app`]);
    const rendered = docker(['exec', container, 'cat', '/etc/traefik/traefik.yml']);
    assert.match(rendered, new RegExp(`email: certs@${PROXY.replaceAll('.', '\\.')}`));
    assert.match(rendered, /level: WARN/);
  });

  it('an nginx app behind it answers over TLS with a certificate issued by pebble', async () => {
    const made = await run('app', 'new', 'labweb', '-s', 'default', '-D', APP, '-n');
    assert.equal(made.code, 0, made.stderr);
    // A second name in the recipes' EXTRA_DOMAINS format: routed, certified and probed too.
    appendEnv(APP, { EXTRA_DOMAINS: `', \`www.${APP}\`'` });
    const res = await run('app', 'deploy', APP, '-n');
    assert.equal(res.code, 0, res.stderr);
    // The deploy printed the URL and probed it (on the local server, via 127.0.0.1: the .test
    // domain resolves nowhere) once the fixture routed it: 200 with pebble's certificate, which
    // no system trusts, so it is a warning and the deploy still succeeded.
    const url = `https://${APP}/`;
    assert.match(
      res.stdout,
      new RegExp(
        `^${url.replaceAll('.', '\\.')}  warning: certificate not trusted: \\w+ \\(issuer CN=Pebble Intermediate CA [0-9a-f]+\\)$`,
        'm',
      ),
    );
    assert.match(
      res.stderr,
      new RegExp(
        `${url.replaceAll('.', '\\.')} via 127\\.0\\.0\\.1 answers 200, certificate by CN=Pebble Intermediate CA`,
      ),
    );
    // The fixture reads the labels every 2 s, then gets the certificate from pebble.
    let last = curlTls(APP);
    const deadline = Date.now() + 60_000;
    while (last.code !== 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      last = curlTls(APP);
    }
    assert.equal(last.code, 0, `curl never answered: ${last.verbose}`);
    assert.match(last.body, /Welcome to nginx!/);
    assert.match(last.verbose, /issuer: CN ?= ?Pebble Intermediate CA/);
    assert.match(
      last.verbose,
      new RegExp(
        `subject: .*${APP.replaceAll('.', '\\.')}|subjectAltName: host "${APP.replaceAll('.', '\\.')}" matched`,
      ),
    );

    const check = await run('app', 'check', APP, '--reachable', '--machine');
    assert.equal(check.code, 0, check.stderr);
    const report = JSON.parse(check.stdout) as {
      ok: boolean;
      urls: { url: string; via: string; status: number; certificate: { issuer: string; daysLeft: number } }[];
    };
    assert.equal(report.ok, false);
    assert.deepEqual(
      report.urls.map((x) => x.url),
      [url, `https://www.${APP}/`],
    );
    const [u] = report.urls;
    assert.equal(u?.url, url);
    assert.equal(u?.via, '127.0.0.1');
    assert.equal(u?.status, 200);
    assert.match(u?.certificate.issuer ?? '', /^CN=Pebble Intermediate CA [0-9a-f]+$/);
    assert.ok((u?.certificate.daysLeft ?? 0) > 30);
    assert.equal(report.urls[1]?.status, 200);
  });

  it('app check --reachable reports a proxy that no longer answers, with the next step (exit 0)', async () => {
    const down = await run('app', 'undeploy', PROXY, '-n');
    assert.equal(down.code, 0, down.stderr);
    const check = await run('app', 'check', APP, '--reachable', '--timeout', '3');
    assert.equal(check.code, 0, check.stderr);
    assert.match(
      check.stdout,
      new RegExp(
        `^https://${APP.replaceAll('.', '\\.')}/ \\(via 127\\.0\\.0\\.1\\) +- +- +does not answer \\(ECONNREFUSED\\)$`,
        'm',
      ),
    );
    assert.match(
      check.stderr,
      /^Check that the proxy \(the traefik app\) is deployed on the server and publishes ports 80 and 443/m,
    );
    const bad = await run('app', 'check', APP, '--reachable', '--timeout', 'soon');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--timeout soon is not a number of seconds/);
  });
});
