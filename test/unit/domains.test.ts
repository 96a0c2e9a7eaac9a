import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type CertificateFacts,
  certificateVerdict,
  nameMatches,
} from '../../src/domain/domains/certificate.js';
import { dnsVerdict, normal6 } from '../../src/domain/domains/dns.js';
import { parseExtraDomains, ruleHosts } from '../../src/domain/domains/extra-domains.js';
import { followable, type ProbeFacts, probeVerdict } from '../../src/domain/domains/probe.js';
import { appRoutes } from '../../src/domain/domains/routes.js';

describe("parseExtraDomains (the recipes' `, \\`name\\`` list)", () => {
  const cases: [string | undefined, unknown][] = [
    [undefined, { ok: true, domains: [] }],
    ['', { ok: true, domains: [] }],
    ['   ', { ok: true, domains: [] }],
    [', `www.example.com`', { ok: true, domains: ['www.example.com'] }],
    [',`www.example.com`', { ok: true, domains: ['www.example.com'] }],
    [
      ', `www.example.com`, `example.org` , `*.apps.example.net`',
      { ok: true, domains: ['www.example.com', 'example.org', '*.apps.example.net'] },
    ],
    [', `WWW.Example.com`, `www.example.com`', { ok: true, domains: ['www.example.com'] }],
    [
      '`www.example.com`',
      {
        ok: false,
        problem: 'expected ", " before `www.example.com` (the list is spliced after DOMAIN in Host(...))',
      },
    ],
    [
      'www.example.com',
      { ok: false, problem: 'unexpected text "www.example.com" (expected , `name` entries)' },
    ],
    [
      ', `www.example.com`) || Path(`/`',
      { ok: false, problem: 'unexpected text ") || Path(`/`" (expected , `name` entries)' },
    ],
    [', ``', { ok: false, problem: '"" is not a domain name' }],
    [', `localhost`', { ok: false, problem: '"localhost" is not a domain name' }],
    [', `-bad.example.com`', { ok: false, problem: '"-bad.example.com" is not a domain name' }],
    [', `a b.example.com`', { ok: false, problem: '"a b.example.com" is not a domain name' }],
    [', `evil\x1b[31m.example`', { ok: false, problem: '"evil\\x1b[31m.example" is not a domain name' }],
    [
      ', `www.example.com',
      { ok: false, problem: 'unexpected text ", `www.example.com" (expected , `name` entries)' },
    ],
  ];
  for (const [input, want] of cases)
    it(JSON.stringify(input), () => assert.deepEqual(parseExtraDomains(input), want));
});

describe('ruleHosts', () => {
  it('reads every Host() name, in order, once', () => {
    assert.deepEqual(ruleHosts('Host(`a.example`, `b.example`) || Host(`c.example`) && PathPrefix(`/x`)'), [
      'a.example',
      'b.example',
      'c.example',
    ]);
    assert.deepEqual(ruleHosts('Host(`A.example`,`a.example`)'), ['a.example']);
    assert.deepEqual(ruleHosts('PathPrefix(`/`)'), []);
  });
});

describe('appRoutes', () => {
  it('HTTPS routers with a certresolver, tls or web-secure; internal services and disabled apps skipped', () => {
    const routes = appRoutes([
      {
        name: 'app',
        labels: {
          'traefik.enable': 'true',
          'traefik.http.routers.blog.rule': 'Host(`blog.example`, `www.blog.example`)',
          'traefik.http.routers.blog.entrypoints': 'web-secure',
          'traefik.http.routers.blog.tls.certresolver': 'production',
          'traefik.http.routers.plain.rule': 'Host(`plain.example`)',
          'traefik.http.routers.plain.entrypoints': 'web',
          'traefik.http.routers.dash.rule': 'Host(`dash.example`)',
          'traefik.http.routers.dash.service': 'api@internal',
        },
      },
      { name: 'off', labels: { 'traefik.http.routers.x.rule': 'Host(`off.example`)' } },
    ]);
    assert.deepEqual(routes, [
      { url: 'https://blog.example/', host: 'blog.example', https: true, service: 'app' },
      { url: 'https://www.blog.example/', host: 'www.blog.example', https: true, service: 'app' },
      { url: 'http://plain.example/', host: 'plain.example', https: false, service: 'app' },
    ]);
  });
});

describe('dnsVerdict', () => {
  const server = { v4: ['203.0.113.5'], v6: ['2001:db8::5'] };
  const cases: [string, { v4: string[]; v6: string[] }, { v4: string[]; v6: string[] }, unknown][] = [
    ['A matches', { v4: ['203.0.113.5'], v6: [] }, server, { ok: true, matched: ['203.0.113.5'] }],
    [
      'A and AAAA match (any spelling of the IPv6 address)',
      { v4: ['203.0.113.5'], v6: ['2001:DB8:0:0:0:0:0:5'] },
      server,
      { ok: true, matched: ['203.0.113.5', '2001:db8::5'] },
    ],
    ['only AAAA, matching', { v4: [], v6: ['2001:db8::5'] }, server, { ok: true, matched: ['2001:db8::5'] }],
    ['no records', { v4: [], v6: [] }, server, { ok: false, kind: 'unresolved' }],
    [
      'A elsewhere',
      { v4: ['198.51.100.7'], v6: [] },
      server,
      { ok: false, kind: 'mismatch', family: 'A', points: ['198.51.100.7'], server: ['203.0.113.5'] },
    ],
    [
      'A matches but AAAA points elsewhere',
      { v4: ['203.0.113.5'], v6: ['2001:db8::99'] },
      server,
      { ok: false, kind: 'mismatch', family: 'AAAA', points: ['2001:db8::99'], server: ['2001:db8::5'] },
    ],
    [
      'AAAA record while the server has no IPv6 address',
      { v4: ['203.0.113.5'], v6: ['2001:db8::5'] },
      { v4: ['203.0.113.5'], v6: [] },
      { ok: false, kind: 'mismatch', family: 'AAAA', points: ['2001:db8::5'], server: [] },
    ],
    [
      'one of several A records is enough (round robin over a cluster)',
      { v4: ['198.51.100.7', '203.0.113.5'], v6: [] },
      server,
      { ok: true, matched: ['203.0.113.5'] },
    ],
  ];
  for (const [name, domain, srv, want] of cases)
    it(name, () => assert.deepEqual(dnsVerdict(domain, srv), want));

  it('normal6 spells IPv6 addresses one way', () => {
    assert.equal(normal6('2001:0DB8:0000:0000:0000:0000:0000:0001'), '2001:db8::1');
    assert.equal(normal6('::1'), '::1');
    assert.equal(normal6('fe80::1:0:0:0:2'), 'fe80:0:0:1::2');
    assert.equal(normal6('1:2:3:4:5:6:7:8'), '1:2:3:4:5:6:7:8');
    assert.equal(normal6('192.0.2.1'), '192.0.2.1');
  });
});

describe('certificateVerdict', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const base: CertificateFacts = {
    subject: 'CN=app.example',
    issuer: "CN=R11, O=Let's Encrypt, C=US",
    names: ['app.example', 'www.app.example'],
    validFrom: new Date('2026-05-01T00:00:00Z'),
    validTo: new Date('2026-07-30T00:00:00Z'),
  };
  const cases: [
    string,
    Partial<CertificateFacts>,
    string,
    { ok: boolean; daysLeft: number; problems: string[] },
  ][] = [
    ['valid, trusted, for the host', {}, 'app.example', { ok: true, daysLeft: 59, problems: [] }],
    ['another of its names', {}, 'www.app.example', { ok: true, daysLeft: 59, problems: [] }],
    [
      'expired',
      { validTo: new Date('2026-05-29T00:00:00Z'), authorizationError: 'CERT_HAS_EXPIRED' },
      'app.example',
      { ok: false, daysLeft: -3, problems: ['expired 3 day(s) ago (2026-05-29T00:00:00.000Z)'] },
    ],
    [
      'not yet valid',
      { validFrom: new Date('2026-06-02T00:00:00Z'), authorizationError: 'CERT_NOT_YET_VALID' },
      'app.example',
      { ok: false, daysLeft: 59, problems: ['not valid before 2026-06-02T00:00:00.000Z'] },
    ],
    [
      'close to expiry',
      { validTo: new Date('2026-06-11T12:00:00Z') },
      'app.example',
      { ok: false, daysLeft: 10, problems: ['expires in 10 day(s): renewal may be failing'] },
    ],
    [
      'self-signed',
      { issuer: 'CN=app.example', authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT' },
      'app.example',
      { ok: false, daysLeft: 59, problems: ['self-signed (issuer CN=app.example)'] },
    ],
    [
      "untrusted issuer (Traefik's default certificate)",
      {
        subject: 'CN=TRAEFIK DEFAULT CERT',
        issuer: 'CN=TRAEFIK DEFAULT CERT',
        names: ['8c3b.traefik.default'],
        authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      },
      'app.example',
      {
        ok: false,
        daysLeft: 59,
        problems: [
          'self-signed (issuer CN=TRAEFIK DEFAULT CERT)',
          'issued for 8c3b.traefik.default, not app.example',
        ],
      },
    ],
    [
      'unknown CA (pebble, staging)',
      { issuer: 'CN=Pebble Intermediate CA 1a2b3c', authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' },
      'app.example',
      {
        ok: false,
        daysLeft: 59,
        problems: ['not trusted: UNABLE_TO_VERIFY_LEAF_SIGNATURE (issuer CN=Pebble Intermediate CA 1a2b3c)'],
      },
    ],
    [
      'wrong host',
      {},
      'other.example',
      { ok: false, daysLeft: 59, problems: ['issued for app.example, www.app.example, not other.example'] },
    ],
    ['wildcard', { names: ['*.app.example'] }, 'www.app.example', { ok: true, daysLeft: 59, problems: [] }],
  ];
  for (const [name, facts, host, want] of cases)
    it(name, () => {
      const v = certificateVerdict({ ...base, ...facts }, host, now);
      assert.deepEqual({ ok: v.ok, daysLeft: v.daysLeft, problems: v.problems }, want);
    });

  it('a wildcard covers one label only', () => {
    assert.equal(nameMatches('*.example.com', 'a.example.com'), true);
    assert.equal(nameMatches('*.example.com', 'a.b.example.com'), false);
    assert.equal(nameMatches('*.example.com', 'example.com'), false);
    assert.equal(nameMatches('Example.COM', 'example.com'), true);
  });
});

describe('probeVerdict', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const base = { url: 'https://app.example/', host: 'app.example', redirects: [] as string[] };
  const cases: [string, Partial<ProbeFacts>, string[], string | undefined][] = [
    ['200 over http', { url: 'http://app.example/', status: 200 }, [], undefined],
    [
      'no answer',
      { error: 'ECONNREFUSED' },
      ['does not answer (ECONNREFUSED)'],
      'Check that the proxy (the traefik app) is deployed on the server and publishes ports 80 and 443, and that no firewall is in the way.',
    ],
    [
      '404',
      { status: 404 },
      ['answers 404 (no route for this host on the proxy, or the app has no page at /)'],
      "Check the app's traefik labels (`abra app compose <app>`) and that its service is on the proxy network.",
    ],
    [
      '502',
      { status: 502 },
      ['answers 502 (the proxy reaches no running task of the app)'],
      "Check the app's tasks (`abra app ps <app>`) and that they listen on the port its loadbalancer label names.",
    ],
    [
      'redirect elsewhere',
      { status: 302, location: 'https://login.other.example/' },
      ['redirects to another host: https://login.other.example/ (not followed)'],
      "Check the app's own idea of its address (DOMAIN, base URL settings in its env).",
    ],
    [
      'a remote server asked on its address because the name resolves nowhere',
      { status: 200, via: '203.0.113.10', unresolved: true },
      ["app.example does not resolve (asked on the server's address 203.0.113.10)"],
      'Point an A (and, if the server has IPv6, an AAAA) record for the domain at the server; visitors cannot reach the app until then.',
    ],
    [
      'expired certificate, page served',
      {
        status: 200,
        certificate: {
          subject: 'CN=app.example',
          issuer: 'CN=R11',
          names: ['app.example'],
          validFrom: new Date('2026-01-01T00:00:00Z'),
          validTo: new Date('2026-04-01T00:00:00Z'),
          authorizationError: 'CERT_HAS_EXPIRED',
        },
      },
      ['certificate expired 61 day(s) ago (2026-04-01T00:00:00.000Z)'],
      "The proxy is not renewing it: see the proxy's logs (`abra app logs <proxy app>`) for ACME errors.",
    ],
  ];
  for (const [name, facts, problems, hint] of cases)
    it(name, () => {
      const v = probeVerdict({ ...base, ...facts }, now);
      assert.deepEqual([v.ok, v.problems, v.hint], [problems.length === 0, problems, hint]);
    });

  it('followable: same host only, http(s) only, relative locations resolved', () => {
    assert.equal(followable('http://a.example/x', 'https://a.example/'), 'https://a.example/');
    assert.equal(followable('https://a.example/x', '/login'), 'https://a.example/login');
    assert.equal(followable('https://a.example/', 'https://b.example/'), undefined);
    assert.equal(followable('https://a.example/', 'ftp://a.example/'), undefined);
    assert.equal(followable('https://a.example/', 'http://[bad'), undefined);
  });
});
