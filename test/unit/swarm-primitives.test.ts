import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  effectiveCapabilities,
  swarmEnv,
  swarmHosts,
  swarmUlimits,
} from '../../src/domain/swarm/container.js';
import { parseCpus } from '../../src/domain/swarm/cpus.js';
import { restartPolicy } from '../../src/domain/swarm/deploy.js';
import { sortSliceGo } from '../../src/domain/swarm/go-sort.js';
import { familiarImage } from '../../src/domain/swarm/image-ref.js';
import { compareGo } from '../../src/domain/swarm/names.js';

describe('parseCpus (docker opts.ParseCPUs, exact rationals)', () => {
  const ok: [string, number][] = [
    ['1', 1_000_000_000],
    ['0.5', 500_000_000],
    ['1.5e-1', 150_000_000],
    ['1/4', 250_000_000],
    ['0.000000001', 1],
    ['2.', 2_000_000_000],
    ['.25', 250_000_000],
  ];
  for (const [text, nanos] of ok)
    it(text, () => assert.deepEqual(parseCpus(text), { ok: true, nanoCPUs: nanos }));
  it('too precise', () => assert.deepEqual(parseCpus('1/3'), { ok: false, message: 'value is too precise' }));
  for (const bad of ['', 'abc', '1/0', '.', '1e'])
    it(`rejects ${JSON.stringify(bad)}`, () => assert.equal(parseCpus(bad).ok, false));
});

describe('familiarImage (the client tags and shortens the image it sends)', () => {
  const hex = 'a'.repeat(64);
  const cases: [string, string][] = [
    ['nginx', 'nginx:latest'],
    ['nginx:1.25', 'nginx:1.25'],
    ['library/nginx', 'nginx:latest'],
    ['docker.io/library/nginx:1', 'nginx:1'],
    ['index.docker.io/user/app', 'user/app:latest'],
    ['docker.io/snapetech/seerrng:v3', 'snapetech/seerrng:v3'],
    ['docker.io/library/a/b', 'library/a/b:latest'],
    ['localhost/app', 'localhost/app:latest'],
    ['localhost:5000/app', 'localhost:5000/app:latest'],
    ['git.coopcloud.tech/coop-cloud/abra:1', 'git.coopcloud.tech/coop-cloud/abra:1'],
    [`nginx@sha256:${hex}`, `nginx@sha256:${hex}`],
    [`nginx:1@sha256:${hex}`, `nginx:1@sha256:${hex}`],
    // Unparseable references go out unchanged.
    ['user/App', 'user/App'],
    [hex, hex],
    ['', ''],
  ];
  for (const [image, sent] of cases)
    it(`${image || '(empty)'} -> ${sent}`, () => assert.equal(familiarImage(image), sent));
});

describe('container field conversions', () => {
  it('env: sorted bytewise, bare keys stay bare', () =>
    assert.deepEqual(swarmEnv({ b: '1', A_B: 'x', A: null, 'A=': '' }), ['A', 'A==', 'A_B=x', 'b=1']));
  it('extra_hosts: "=" before ":", brackets dropped, no separator dropped', () =>
    assert.deepEqual(swarmHosts(['a:1.2.3.4', 'b=::1', 'c:[::2]', 'nosep', 'h:o=5.6.7.8']), [
      '1.2.3.4 a',
      '::1 b',
      '::2 c',
      // "h:o" is the host ("=" wins), then docker splits "h:o:5.6.7.8" at its first ":".
      'o:5.6.7.8 h',
    ]));
  it('capabilities: ALL trumps, RESET ignored, add beats drop', () => {
    assert.deepEqual(effectiveCapabilities(['all', 'net_admin'], ['ALL']), { add: ['ALL'], drop: [] });
    assert.deepEqual(effectiveCapabilities(['RESET', ' chown '], ['chown', 'CAP_KILL', 'reset']), {
      add: ['CAP_CHOWN'],
      drop: ['CAP_KILL'],
    });
  });
  it('ulimits: a single number sets both limits', () =>
    assert.deepEqual(swarmUlimits({ z: 3, a: { soft: 1 }, core: 0 }), [
      { Name: 'a', Hard: 0, Soft: 1 },
      { Name: 'core', Hard: 0, Soft: 0 },
      { Name: 'z', Hard: 3, Soft: 3 },
    ]));
});

describe('legacy restart: mapping', () => {
  const cases: [string, unknown][] = [
    ['no', undefined],
    ['always', { Condition: 'any' }],
    ['unless-stopped', { Condition: 'any' }],
    ['on-failure', { Condition: 'on-failure', MaxAttempts: 0 }],
    ['on-failure:5', { Condition: 'on-failure', MaxAttempts: 5 }],
  ];
  for (const [text, policy] of cases)
    it(text, () => assert.deepEqual(restartPolicy('s', text, undefined), policy));
  for (const bad of [':3', 'on-failure:x', 'on-failure:-1', 'sometimes'])
    it(`rejects ${bad}`, () => assert.throws(() => restartPolicy('s', bad, undefined)));
});

describe("sortSliceGo: Go's sort.Slice", () => {
  const less = (a: [number, number], b: [number, number]) => a[0] < b[0];
  const pairs = fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.nat()), { maxLength: 80 });
  it('sorts, and keeps every element', () =>
    fc.assert(
      fc.property(pairs, (xs) => {
        const out = sortSliceGo(xs, less);
        for (let i = 1; i < out.length; i++) assert.ok((out[i - 1]?.[0] ?? 0) <= (out[i]?.[0] ?? 0));
        const key = (p: [number, number]) => `${p[0]},${p[1]}`;
        assert.deepEqual(out.map(key).sort(), xs.map(key).sort());
      }),
    ));
  it('is an insertion sort (stable) up to 12 elements', () =>
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.nat()), { maxLength: 12 }), (xs) =>
        assert.deepEqual(
          sortSliceGo(xs, less),
          [...xs].sort((a, b) => a[0] - b[0]),
        ),
      ),
    ));
  it('beyond 12 elements ties end up where pdqsort leaves them, as docker sent them', () => {
    // test/fixtures/swarm/edge "tied-ports": published port per target 1..16 (0 = unpublished)
    // and the target order `docker stack deploy` sent (recorded in its wire.golden.json).
    const published = [
      47100, 0, 47100, 47090, 0, 47110, 47090, 0, 47100, 47080, 0, 47110, 47080, 0, 47070, 47060,
    ];
    const sent = [8, 2, 5, 14, 11, 16, 15, 13, 10, 7, 4, 9, 1, 3, 12, 6];
    const ports = published.map((p, i): [number, number] => [p, i + 1]);
    assert.deepEqual(
      sortSliceGo(ports, less).map(([, target]) => target),
      sent,
    );
  });
});

describe('compareGo: byte order of UTF-8', () => {
  it('orders astral characters after U+FFFF like Go (UTF-16 would not)', () => {
    assert.ok(compareGo('\u{1F600}', '\uFFFF') > 0);
    assert.ok('\u{1F600}' < '\uFFFF');
  });
});
