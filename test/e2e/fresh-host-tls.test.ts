// Issue 11's Done-when as one flow, on a host that starts with nothing (test/lab/fresh.sh: its
// own netns and sshd, Docker installed but stopped, an empty data-root): `abra server bootstrap`
// + `abra server add` over SSH; the images the flow needs copied into the host's own dockerd
// (no registry: `docker save | docker load` over its socket, as an operator would side-load
// them); the traefik recipe (with the lab overlay: the Traefik stand-in test fixture and pebble)
// and an nginx app behind it deployed by abra over SSH; `curl --resolve app.test:443:<host-ip>`
// answered over TLS with a pebble-issued certificate; `server status` showing both healthy and
// the certificate; a bootstrap re-run that changes nothing. The host goes down at the end.
//
// The host's ports 80/443 are in its own network namespace: proxy-tls.test.ts, which publishes
// 80/443 on the main lab node, does not clash with it.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ServerStatusRow } from '../../src/services/server/status.js';
import { abra, type CliResult } from '../helpers/cli.js';
import { type Fresh, lockFresh, releaseFresh, startFresh, stopFresh } from '../helpers/fresh.js';
import { type Lab, loadLab, makeOperator, type Operator } from '../helpers/lab.js';
import {
  appendEnv,
  curlTlsUntilAnswered,
  proxyLabEnv,
  proxyLabImages,
  writeProxyRecipes,
} from '../helpers/proxy-lab.js';

const PROXY = 'proxy.test';
const APP = 'app.test';
let lab: Lab;
let op: Operator;
let fresh: Fresh;
const run = (...args: string[]): Promise<CliResult> => abra(args, op.env);
const timings: string[] = [];
async function timed<T>(what: string, f: () => Promise<T> | T): Promise<T> {
  const t0 = Date.now();
  try {
    return await f();
  } finally {
    timings.push(`${what} ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  }
}

before(async () => {
  await lockFresh();
  lab = loadLab();
  op = makeOperator(lab);
  fresh = await timed('fresh host up', () => startFresh(lab.hostKeyPub));
  op.writeSshConfig(fresh.sshBlock('fresh'));
  appendFileSync(join(op.sshDir, 'known_hosts'), `${fresh.knownHostsLine}\n`);
  writeProxyRecipes(op.abraDir, lab);
});

after(async () => {
  try {
    await timed('fresh host down', () => stopFresh());
  } finally {
    releaseFresh();
    op?.cleanup();
    process.stderr.write(`# fresh-host-tls timings: ${timings.join(', ')}\n`);
  }
});

describe('a fresh host to an app over TLS behind the proxy', () => {
  it('bootstrap from nothing, then server add', async () => {
    assert.equal(fresh.hasDockerState(), false, 'the host starts with no Docker state');
    const boot = await timed('bootstrap', () => run('server', 'bootstrap', 'fresh'));
    assert.equal(boot.code, 0, boot.stderr);
    assert.match(boot.stdout, /^Bootstrapped fresh: Docker .*, swarm manager at 192\.168\.79\.10/);
    const add = await run('server', 'add', 'fresh');
    assert.equal(add.code, 0, add.stderr);
    assert.match(add.stdout, /Added server fresh .*Swarm active \(1 node\)/);
  });

  it('the proxy recipe and an nginx app behind it, deployed over SSH; curl --resolve gets the page over TLS with a pebble certificate', async () => {
    const images = proxyLabImages(lab);
    await timed('images loaded', () => fresh.loadImages(images));
    for (const img of images)
      assert.match(fresh.docker(['image', 'inspect', '-f', '{{.Id}}', img]), /^sha256:/);

    assert.equal((await run('app', 'new', 'traefik', '-s', 'fresh', '-D', PROXY, '-n')).code, 0);
    appendEnv(op.abraDir, 'fresh', PROXY, proxyLabEnv(PROXY));
    // .test names resolve nowhere: no DNS check, and no probe (it would look the name up).
    const proxy = await timed('proxy deployed', () =>
      run('app', 'deploy', PROXY, '-n', '--no-domain-checks', '--no-probe'),
    );
    assert.equal(proxy.code, 0, proxy.stderr);
    const ports = fresh.docker([
      'service',
      'inspect',
      'proxy_test_app',
      '--format',
      '{{range .Endpoint.Ports}}{{.PublishMode}}:{{.PublishedPort}} {{end}}',
    ]);
    assert.deepEqual(ports.split(' ').sort(), ['host:443', 'host:80']);
    // Published in the host's own network namespace, so the main lab's 80/443 (proxy-tls) are untouched.
    for (const port of [80, 443]) assert.match(fresh.listeners(port), /docker-proxy/, `port ${port}`);

    assert.equal((await run('app', 'new', 'labweb', '-s', 'fresh', '-D', APP, '-n')).code, 0);
    const app = await timed('app deployed', () =>
      run('app', 'deploy', APP, '-n', '--no-domain-checks', '--no-probe'),
    );
    assert.equal(app.code, 0, app.stderr);
    // Everything runs on the fresh host's engine, nothing on the main lab's.
    assert.equal(
      execFileSync('docker', ['service', 'ls', '-q', '--filter', 'name=app_test_app'], {
        encoding: 'utf8',
      }).trim(),
      '',
    );
    assert.match(
      fresh.docker(['service', 'ls', '--format', '{{.Name}} {{.Replicas}}']),
      /^app_test_app 1\/1$/m,
    );

    const page = await timed('TLS answered', () => curlTlsUntilAnswered(APP, fresh.host));
    assert.equal(page.code, 0, `curl never answered: ${page.verbose}`);
    assert.match(page.body, /Welcome to nginx!/);
    assert.match(page.verbose, /Connected to app\.test \(192\.168\.79\.10\) port 443/);
    assert.match(page.verbose, /issuer: CN ?= ?Pebble Intermediate CA/);
    assert.match(page.verbose, /subject: .*app\.test|subjectAltName: host "app\.test" matched/);

    // On demand, over SSH: app.test resolves nowhere, so the server's own address is asked, and
    // that it resolves nowhere is the first thing reported (visitors could not get there).
    const check = await run('app', 'check', APP, '--reachable', '--machine');
    assert.equal(check.code, 0, check.stderr);
    const [u, ...more] = (
      JSON.parse(check.stdout) as {
        urls: {
          url: string;
          via: string;
          status: number;
          problems: string[];
          certificate: { issuer: string };
        }[];
      }
    ).urls;
    assert.equal(more.length, 0);
    assert.equal(u?.url, 'https://app.test/');
    assert.equal(u?.via, fresh.host);
    assert.equal(u?.status, 200);
    assert.match(u?.certificate.issuer ?? '', /^CN=Pebble Intermediate CA /);
    assert.equal(u?.problems[0], "app.test does not resolve (asked on the server's address 192.168.79.10)");
  });

  it('server status: the proxy and the app healthy, the certificate by pebble', async () => {
    const res = await timed('server status', () => run('server', 'status', 'fresh', '--machine'));
    assert.equal(res.code, 0, res.stderr);
    const [row] = JSON.parse(res.stdout) as ServerStatusRow[];
    const r = row?.report;
    assert.ok(r, res.stdout);
    assert.equal(r.swarm.address, fresh.host);
    assert.equal(r.proxy?.stack, 'proxy_test');
    assert.equal(r.proxy?.health, 'healthy');
    assert.equal(`${r.proxy?.running}/${r.proxy?.desired}`, '2/2', 'the fixture and pebble');
    assert.equal(r.proxy?.version, '2.0.0+v2.4.8');
    const web = r.apps.find((a) => a.stack === 'app_test');
    assert.equal(web?.health, 'healthy');
    assert.equal(`${web?.running}/${web?.desired}`, '1/1');
    const certs = row?.certificates ?? [];
    assert.equal(certs.length, 1, JSON.stringify(certs));
    const [c] = certs;
    assert.equal(c?.domain, APP);
    assert.equal(c?.stack, 'app_test');
    assert.equal(c?.via, fresh.host);
    assert.match(c?.issuer ?? '', /^CN=Pebble Intermediate CA [0-9a-f]+$/);
    assert.ok((c?.daysLeft ?? 0) > 14, JSON.stringify(c));
    // pebble's roots are made when it starts: no system trusts them, and status says so.
    assert.equal(c?.ok, false);
    assert.deepEqual(
      c?.problems.map((p) => p.replace(/: .*/, '')),
      ['not trusted'],
    );

    const text = await run('server', 'status', 'fresh');
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^ {2}proxy +proxy_test \(2\.0\.0\+v2\.4\.8\) 2\/2 healthy$/m);
    assert.match(text.stdout, /^ {2}app_test +labweb +1\.0\.0\+1\.22 +1\/1 +healthy$/m);
    assert.match(
      text.stdout,
      /^ {2}app\.test +CN=Pebble Intermediate CA \w+ +\d+ days +warning: not trusted/m,
    );
  });

  it('bootstrap again: every step already, nothing changed (the proxy on 80/443 is Docker)', async () => {
    const swarmId = fresh.docker(['info', '--format', '{{.Swarm.Cluster.ID}}']);
    const proxyNet = fresh.docker(['network', 'inspect', 'proxy', '--format', '{{.Id}}']);
    const res = await timed('bootstrap re-run', () => run('server', 'bootstrap', 'fresh'));
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^Nothing to change on fresh: Docker .*, swarm manager at 192\.168\.79\.10/);
    for (const step of ['docker-install', 'docker-start', 'swarm', 'proxy-network'])
      assert.match(res.stderr, new RegExp(`^  ${step} +already `, 'm'), step);
    assert.doesNotMatch(res.stderr, /changed/);
    assert.equal(fresh.docker(['info', '--format', '{{.Swarm.Cluster.ID}}']), swarmId);
    assert.equal(fresh.docker(['network', 'inspect', 'proxy', '--format', '{{.Id}}']), proxyNet);
    // And the app still answers.
    const page = await curlTlsUntilAnswered(APP, fresh.host, 10_000);
    assert.match(page.body, /Welcome to nginx!/);
  });
});
