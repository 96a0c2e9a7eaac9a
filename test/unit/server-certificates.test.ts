// `abra server status`'s certificates: which domains it asks the proxy about (golden cases on
// service labels), how it judges an answer (golden verdicts), and the probing itself against a
// real local HTTPS server (certificates made by openssl, chosen by SNI) standing in for the
// proxy on the server's address.
import assert from 'node:assert/strict';
import { createServer as createHttps, type Server } from 'node:https';
import { createServer as createTcp } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createSecureContext } from 'node:tls';
import type { ProbeVerdict } from '../../src/domain/domains/probe.js';
import { CERT_WARN_DAYS, certificateRow, certificateTargets } from '../../src/domain/status/certificates.js';
import { serverCertificates } from '../../src/services/server/certificates.js';
import { makeTestCerts, opensslDate } from '../helpers/tls-certs.js';

const NS = 'com.docker.stack.namespace';
const svc = (stack: string, name: string, labels: Record<string, string>) => ({
  Spec: { Name: `${stack}_${name}`, Labels: { [NS]: stack, ...labels } },
});
const routed = (stack: string, rule: string, extra: Record<string, string> = {}) =>
  svc(stack, 'app', {
    'traefik.enable': 'true',
    [`traefik.http.routers.${stack}.rule`]: rule,
    [`traefik.http.routers.${stack}.entrypoints`]: 'web-secure',
    [`traefik.http.routers.${stack}.tls.certresolver`]: 'production',
    ...extra,
  });

describe('certificateTargets', () => {
  it('the HTTPS hosts of every stack, sorted by stack, each domain once', () => {
    const targets = certificateTargets([
      routed('wiki_example_org', 'Host(`wiki.example.org`) || Host(`www.wiki.example.org`)'),
      routed('blog_example_org', 'Host(`Blog.example.org`, `wiki.example.org`)'),
      // The proxy's own router is its dashboard (api@internal): nothing to ask about.
      routed('traefik_example_org', 'Host(`traefik.example.org`)', {
        'traefik.http.routers.traefik_example_org.service': 'api@internal',
      }),
      // HTTP only: no certificate.
      svc('plain_example_org', 'app', {
        'traefik.enable': 'true',
        'traefik.http.routers.p.rule': 'Host(`plain.example.org`)',
        'traefik.http.routers.p.entrypoints': 'web',
      }),
      // Not exposed.
      routed('off_example_org', 'Host(`off.example.org`)', { 'traefik.enable': 'false' }),
      // Not a stack.
      { Spec: { Name: 'loose', Labels: { 'traefik.enable': 'true' } } },
    ]);
    assert.deepEqual(targets, [
      { domain: 'blog.example.org', stack: 'blog_example_org', url: 'https://blog.example.org/' },
      { domain: 'wiki.example.org', stack: 'blog_example_org', url: 'https://wiki.example.org/' },
      { domain: 'www.wiki.example.org', stack: 'wiki_example_org', url: 'https://www.wiki.example.org/' },
    ]);
  });
});

describe('certificateRow', () => {
  const target = { domain: 'a.example.org', stack: 'a_example_org', url: 'https://a.example.org/' };
  const verdict = (daysLeft: number, problems: string[]): ProbeVerdict => ({
    url: target.url,
    via: '203.0.113.10',
    ok: problems.length === 0,
    status: 200,
    redirects: [],
    certificate: {
      ok: problems.length === 0,
      issuer: 'CN=R3',
      expires: '2030-01-01T00:00:00.000Z',
      daysLeft,
      problems,
    },
    problems: problems.map((p) => `certificate ${p}`),
  });

  it('ok: issuer, expiry, days left', () => {
    assert.deepEqual(certificateRow(target, verdict(60, [])), {
      domain: 'a.example.org',
      stack: 'a_example_org',
      via: '203.0.113.10',
      ok: true,
      issuer: 'CN=R3',
      expires: '2030-01-01T00:00:00.000Z',
      daysLeft: 60,
      problems: [],
    });
  });

  it(`the probe's 30-day renewal note is not a warning here until under ${CERT_WARN_DAYS} days`, () => {
    const r20 = certificateRow(target, verdict(20, ['expires in 20 day(s): renewal may be failing']));
    assert.equal(r20.ok, true);
    assert.deepEqual(r20.problems, []);
    const r13 = certificateRow(target, verdict(13, ['expires in 13 day(s): renewal may be failing']));
    assert.equal(r13.ok, false);
    assert.deepEqual(r13.problems, ['expires in 13 day(s): renewal may be failing']);
    const r0 = certificateRow(target, verdict(0, []));
    assert.deepEqual(r0.problems, ['expires in 0 day(s): renewal may be failing']);
  });

  it('expired, self-signed, untrusted and wrong-host problems are kept as they are', () => {
    const r = certificateRow(
      target,
      verdict(-3, ['expired 3 day(s) ago (2020-01-01T00:00:00.000Z)', 'self-signed (issuer CN=x)']),
    );
    assert.deepEqual(r.problems, [
      'expired 3 day(s) ago (2020-01-01T00:00:00.000Z)',
      'self-signed (issuer CN=x)',
    ]);
    assert.equal(r.daysLeft, -3);
  });

  it('no answer, or no certificate (plain HTTP on 443?)', () => {
    const none = { url: target.url, via: '203.0.113.10', redirects: [] };
    assert.deepEqual(
      certificateRow(target, { ...none, ok: false, problems: ['does not answer (ECONNREFUSED)'] }),
      {
        domain: 'a.example.org',
        stack: 'a_example_org',
        via: '203.0.113.10',
        ok: false,
        problems: ['does not answer (ECONNREFUSED)'],
      },
    );
    assert.deepEqual(certificateRow(target, { ...none, ok: true, status: 200, problems: [] }).problems, [
      'no certificate served (answers over plain HTTP?)',
    ]);
  });
});

describe('serverCertificates against a local HTTPS server on the "server address"', () => {
  const certs = makeTestCerts();
  const clock = { now: () => Date.now(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) };
  // Nothing resolves: the proxy is asked on the address given, as curl --resolve does.
  const deps = {
    events: () => undefined,
    clock,
    dns: { lookup4: async () => [], lookup6: async () => [] },
    env: {},
  };
  let tls: Server;
  let silent: ReturnType<typeof createTcp>;
  let tlsPort = 0;
  let silentPort = 0;
  const listen = (s: { listen: (p: number, h: string, cb: () => void) => unknown; address: () => unknown }) =>
    new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as { port: number }).port)));

  before(async () => {
    const contexts = new Map<string, ReturnType<typeof createSecureContext>>(
      (
        [
          ['good.test', certs.cert('good.test', { start: opensslDate(-10), end: opensslDate(60) })],
          ['soon.test', certs.cert('soon.test', { start: opensslDate(-80), end: opensslDate(5.5) })],
          ['expired.test', certs.cert('expired.test', { start: '20200101000000Z', end: '20200201000000Z' })],
          ['self.test', certs.cert('self.test', 'self')],
        ] as const
      ).map(([n, c]) => [n, createSecureContext(c)]),
    );
    tls = createHttps(
      // A proxy serves its default (self-signed) certificate for a name it has none for.
      { SNICallback: (name, cb) => cb(null, contexts.get(name)), ...certs.cert('default.test', 'self') },
      (_req, res) => res.writeHead(200).end('ok'),
    );
    tlsPort = await listen(tls);
    silent = createTcp(() => undefined);
    silentPort = await listen(silent);
  });

  after(() => {
    tls.closeAllConnections?.();
    tls.close();
    silent.close();
    certs.cleanup();
  });

  it('per domain: issuer, days left, and what is wrong', async () => {
    const services = ['good', 'soon', 'expired', 'self', 'unknown'].map((n) =>
      routed(`${n}_test`, `Host(\`${n}.test\`)`),
    );
    const rows = await serverCertificates('127.0.0.1', services, { server: 'srv', httpsPort: tlsPort }, deps);
    const by = new Map(rows.map((r) => [r.domain, r]));
    assert.deepEqual([...by.keys()], ['expired.test', 'good.test', 'self.test', 'soon.test', 'unknown.test']);
    const good = by.get('good.test');
    assert.equal(good?.via, '127.0.0.1');
    assert.equal(good?.issuer, 'CN=Probe Test CA');
    assert.ok(good?.daysLeft === 59 || good?.daysLeft === 60, String(good?.daysLeft));
    // The test CA is nobody's: untrusted, and nothing else.
    assert.deepEqual(good?.problems, [
      'not trusted: UNABLE_TO_VERIFY_LEAF_SIGNATURE (issuer CN=Probe Test CA)',
    ]);
    const soon = by.get('soon.test');
    assert.equal(soon?.daysLeft, 5);
    assert.equal(soon?.problems[0], 'expires in 5 day(s): renewal may be failing');
    assert.match(by.get('expired.test')?.problems[0] ?? '', /^expired \d+ day\(s\) ago \(2020-02-01/);
    assert.deepEqual(by.get('self.test')?.problems, ['self-signed (issuer CN=self.test)']);
    assert.deepEqual(by.get('unknown.test')?.problems, [
      'self-signed (issuer CN=default.test)',
      'issued for default.test, not unknown.test',
    ]);
  });

  it('bounded and concurrent: twelve domains on a proxy that never answers take two timeouts, not twelve', async () => {
    const services = Array.from({ length: 12 }, (_, i) => routed(`s${i}_test`, `Host(\`s${i}.test\`)`));
    const t0 = Date.now();
    const rows = await serverCertificates(
      '127.0.0.1',
      services,
      { server: 'srv', httpsPort: silentPort, timeoutMs: 400 },
      deps,
    );
    const took = Date.now() - t0;
    assert.equal(rows.length, 12);
    for (const r of rows) assert.deepEqual(r.problems, ['does not answer (no answer within 0.4s)'], r.domain);
    assert.ok(took < 2000, `took ${took} ms`);
  });

  it('a server whose address does not resolve: each domain says so, nothing is asked', async () => {
    const rows = await serverCertificates(
      undefined,
      [routed('a_test', 'Host(`a.test`)')],
      { server: 'srv' },
      deps,
    );
    assert.deepEqual(rows, [
      {
        domain: 'a.test',
        stack: 'a_test',
        via: undefined,
        ok: false,
        problems: ['not asked: the address of server srv does not resolve'],
      },
    ]);
  });
});
