// The reachability probe against a real local HTTPS server (node:https, certificates made by
// openssl here): one server, the certificate chosen by SNI, so each host name is a case.
// The probe connects to 127.0.0.1 as curl --resolve would and must report, never fail.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttp, type Server } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { createServer as createTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSecureContext } from 'node:tls';
import { probeUrl } from '../../src/services/app/reachable.js';
import { makeTestCerts } from '../helpers/tls-certs.js';

const certs = makeTestCerts();
const cert = certs.cert;

const clock = { now: () => Date.now(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) };
// Nothing here resolves: the probe is pointed at 127.0.0.1 explicitly.
const dns = { lookup4: async () => [], lookup6: async () => [] };
const deps = { events: () => undefined, clock, dns, env: {} };
let tls: Server;
let plain: Server;
let silent: ReturnType<typeof createTcp>;
let tlsPort = 0;
/** MiB of the large response written before the connection closed (not all 32: the probe hangs up). */
let bigWritten: Promise<number> = Promise.resolve(32);
let plainPort = 0;
let silentPort = 0;
let closedPort = 0;

const listen = (s: { listen: (p: number, h: string, cb: () => void) => unknown; address: () => unknown }) =>
  new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as { port: number }).port)));

before(async () => {
  const contexts = new Map(
    [
      ['self.test', cert('self.test', 'self')],
      ['expired.test', cert('expired.test', { start: '20200101000000Z', end: '20200201000000Z' })],
      ['ca.test', cert('ca.test', { start: '20250101000000Z', end: '20350101000000Z' })],
      ['other.test', cert('other.test', 'self')],
    ].map(([n, c]) => [n as string, createSecureContext(c as { key: string; cert: string })]),
  );
  tls = createHttps(
    {
      SNICallback: (name, cb) => cb(null, contexts.get(name === 'wrong.test' ? 'other.test' : name)),
      ...cert('default.test', 'self'),
    },
    (req, res) => {
      if (req.url === '/big') {
        // 32 MiB offered: the probe must stop reading long before.
        res.writeHead(200);
        const chunk = Buffer.alloc(1024 * 1024, 97);
        let n = 0;
        const more = () => {
          while (n < 32) {
            n++;
            if (!res.write(chunk)) return void res.once('drain', more);
          }
          res.end();
        };
        bigWritten = new Promise((r) => res.once('close', () => r(n)));
        more();
        return;
      }
      if (req.url === '/hop') return void res.writeHead(302, { location: '/' }).end();
      if (req.url === '/away') return void res.writeHead(302, { location: 'https://elsewhere.test/' }).end();
      if (req.url === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
      if (req.headers.host?.startsWith('down.test')) return void res.writeHead(502).end('Bad Gateway');
      res.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
    },
  );
  tlsPort = await listen(tls);
  plain = createHttp((_req, res) => res.writeHead(308, { location: `https://ca.test:${tlsPort}/` }).end());
  plainPort = await listen(plain);
  // Accepts connections and never answers.
  silent = createTcp(() => undefined);
  silentPort = await listen(silent);
  const probe = createTcp();
  closedPort = await listen(probe);
  await new Promise((r) => probe.close(r));
});

after(() => {
  tls.closeAllConnections?.();
  tls.close();
  plain.close();
  silent.close();
  certs.cleanup();
});

const probe = (url: string, timeoutMs = 3000) =>
  probeUrl(url, 'srv', { address: '127.0.0.1', timeoutMs }, deps);

describe('probeUrl against a local HTTPS server', () => {
  it('a certificate from an unknown CA: answers 200, issuer and expiry reported, "not trusted"', async () => {
    const v = await probe(`https://ca.test:${tlsPort}/`);
    assert.equal(v.status, 200);
    assert.equal(v.via, '127.0.0.1');
    assert.equal(v.certificate?.issuer, 'CN=Probe Test CA');
    assert.equal(v.certificate?.expires, '2035-01-01T00:00:00.000Z');
    assert.deepEqual(v.problems, [
      'certificate not trusted: UNABLE_TO_VERIFY_LEAF_SIGNATURE (issuer CN=Probe Test CA)',
    ]);
    assert.equal(v.ok, false);
  });

  it('expired: reported with its date, the page still read', async () => {
    const v = await probe(`https://expired.test:${tlsPort}/`);
    assert.equal(v.status, 200);
    assert.match(v.problems[0] ?? '', /^certificate expired \d+ day\(s\) ago \(2020-02-01T00:00:00\.000Z\)$/);
    assert.equal(v.problems.length, 1, v.problems.join('; '));
  });

  it('self-signed', async () => {
    const v = await probe(`https://self.test:${tlsPort}/`);
    assert.equal(v.status, 200);
    assert.deepEqual(v.problems, ['certificate self-signed (issuer CN=self.test)']);
  });

  it('wrong host: the certificate names another', async () => {
    const v = await probe(`https://wrong.test:${tlsPort}/`);
    assert.deepEqual(v.problems, [
      'certificate self-signed (issuer CN=other.test)',
      'certificate issued for other.test, not wrong.test',
    ]);
  });

  it('no answer: a closed port, and a port that accepts but never answers (bounded)', async () => {
    const refused = await probe(`https://ca.test:${closedPort}/`);
    assert.deepEqual(refused.problems, ['does not answer (ECONNREFUSED)']);
    assert.equal(refused.status, undefined);
    const t0 = Date.now();
    const hung = await probe(`https://ca.test:${silentPort}/`, 500);
    assert.deepEqual(hung.problems, ['does not answer (no answer within 0.5s)']);
    assert.ok(Date.now() - t0 < 2500, `took ${Date.now() - t0} ms`);
  });

  it('a 502 from the proxy names the likely cause', async () => {
    const v = await probe(`https://down.test:${tlsPort}/`);
    assert.equal(v.status, 502);
    assert.ok(
      v.problems.includes('answers 502 (the proxy reaches no running task of the app)'),
      v.problems.join(),
    );
  });

  it('follows same-host redirects (http -> https too), not those to another host, and not forever', async () => {
    const hop = await probe(`https://ca.test:${tlsPort}/hop`);
    assert.equal(hop.status, 200);
    assert.deepEqual(hop.redirects, [`https://ca.test:${tlsPort}/`]);
    const upgraded = await probe(`http://ca.test:${plainPort}/`);
    assert.equal(upgraded.status, 200);
    assert.deepEqual(upgraded.redirects, [`https://ca.test:${tlsPort}/`]);
    assert.equal(upgraded.certificate?.issuer, 'CN=Probe Test CA');
    const away = await probe(`https://ca.test:${tlsPort}/away`);
    assert.equal(away.status, 302);
    assert.ok(away.problems.includes('redirects to another host: https://elsewhere.test/ (not followed)'));
    const loop = await probe(`https://ca.test:${tlsPort}/loop`);
    assert.equal(loop.redirects.length, 5);
    assert.ok(loop.problems.includes(`redirects more than 5 times (last to /loop)`), loop.problems.join());
  });

  it("a remote server: a name that resolves nowhere is asked on the server's SSH HostName, and that is reported", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'abra-probe-ssh-'));
    try {
      const config = join(dir, 'config');
      writeFileSync(config, 'Host srv\n  HostName 127.0.0.1\n');
      const v = await probeUrl(
        `https://ca.test:${tlsPort}/`,
        'srv',
        { timeoutMs: 3000 },
        { ...deps, env: { ABRA_SSH_CONFIG: config, USER: 'root' } },
      );
      assert.equal(v.via, '127.0.0.1');
      assert.equal(v.status, 200);
      assert.equal(v.problems[0], "ca.test does not resolve (asked on the server's address 127.0.0.1)");
      assert.match(v.hint ?? '', /^Point an A .*record for the domain at the server/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads at most 64 KiB of a large body', async () => {
    const t0 = Date.now();
    const v = await probe(`https://ca.test:${tlsPort}/big`);
    assert.equal(v.status, 200);
    const written = await bigWritten;
    assert.ok(written < 32, `the probe read all ${written} MiB`);
    assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
  });
});
