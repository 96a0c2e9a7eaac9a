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
// templating, the file provider, labels, entrypoint) is the recipe's. The recipes, the overlay
// and curl are test/helpers/proxy-lab.ts, shared with fresh-host-tls.test.ts (the same on a
// freshly bootstrapped host in its own network namespace).
//
// Needs host ports 80 and 443 on the lab node; every object is removed at the end.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { abra, type CliResult } from '../helpers/cli.js';
import { docker, loadLab } from '../helpers/lab.js';
import {
  appendEnv as appendEnvOf,
  curlTlsUntilAnswered,
  proxyLabEnv,
  writeProxyRecipes,
} from '../helpers/proxy-lab.js';

const ID = Math.random().toString(36).slice(2, 8);
const PROXY = `proxy-${ID}.test`;
const APP = `app-${ID}.test`;
const stackOf = (domain: string) => domain.replaceAll('.', '_');
const lab = loadLab();

const home = mkdtempSync(join(tmpdir(), 'abra-proxy-'));
const abraDir = join(home, '.abra');
const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, ABRA_DIR: abraDir, USER: 'root' };
const run = (...args: string[]): Promise<CliResult> => abra(args, env);
const appendEnv = (domain: string, lines: Record<string, string>) =>
  appendEnvOf(abraDir, 'default', domain, lines);

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
  writeProxyRecipes(abraDir, lab);
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
    appendEnv(PROXY, proxyLabEnv(PROXY));
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
    const last = await curlTlsUntilAnswered(APP, '127.0.0.1');
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
