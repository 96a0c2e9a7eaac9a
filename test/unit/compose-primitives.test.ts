import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { composeEnv, composeFilesOf } from '../../src/domain/compose/app-env.js';
import { formatGoDuration, parseGoDuration } from '../../src/domain/compose/go-duration.js';
import { substitute } from '../../src/domain/compose/interpolate.js';
import { parsePortSpec } from '../../src/domain/compose/ports.js';
import { shlexSplit } from '../../src/domain/compose/shlex.js';
import { ramInBytes } from '../../src/domain/compose/units.js';
import { parseVolumeSpec } from '../../src/domain/compose/volume-spec.js';
import { resolvePlainScalar } from '../../src/domain/compose/yaml.js';
import { stackNameOf } from '../../src/domain/stack/contract.js';

describe('Go durations', () => {
  const cases: [string, string][] = [
    ['90s', '1m30s'],
    ['1m', '1m0s'],
    ['0', '0s'],
    ['1.5h', '1h30m0s'],
    ['100ms', '100ms'],
    ['1500ms', '1.5s'],
    ['2us', '2µs'],
    ['10ns', '10ns'],
    ['1h1m1s1ms', '1h1m1.001s'],
    ['-5s', '-5s'],
  ];
  for (const [input, out] of cases) {
    it(`${input} -> ${out}`, () => {
      const ns = parseGoDuration(input);
      assert.notEqual(ns, undefined);
      assert.equal(formatGoDuration(ns as bigint), out);
    });
  }
  for (const bad of ['', '5', '1x', 's', '1.s.', 'abc', '1h 2m']) {
    it(`rejects ${JSON.stringify(bad)}`, () => assert.equal(parseGoDuration(bad), undefined));
  }
});

describe('interpolation (docker compose template grammar)', () => {
  const env: Record<string, string> = { A: 'a', EMPTY: '' };
  const look = (n: string) => env[n];
  const cases: [string, string][] = [
    ['$A', 'a'],
    ['${A}', 'a'],
    ['$$A', '$A'],
    ['${UNSET:-d}', 'd'],
    ['${EMPTY:-d}', 'd'],
    ['${EMPTY-d}', ''],
    ['${UNSET-d}', 'd'],
    ['${A:?boom}', 'a'],
    ['x${A}y$A-z', 'xaya'], // `$A-z` is A with default "z"
    ['$A-default', 'a'], // unbraced names take an operator too, as in docker
    ['${A:-${B}}', 'a}'],
    // docker keeps one error for the whole string and later expansions reset it
    ['$-${A}', '-a'],
    ['${UNSET?gone}${A}', 'a'],
  ];
  for (const [t, out] of cases) it(`${t} -> ${out}`, () => assert.equal(substitute(t, look), out));
  for (const bad of [
    '$',
    '${',
    '${}',
    'a $ b',
    '${UNSET?is required}',
    '${EMPTY:?must not be empty}',
    '${A:x}',
  ]) {
    it(`rejects ${JSON.stringify(bad)}`, () => assert.throws(() => substitute(bad, look)));
  }
});

describe('short port syntax', () => {
  it('maps published:target with ingress defaults', () => {
    assert.deepEqual(parsePortSpec('80:8080'), [
      { mode: 'ingress', target: 8080, published: 80, protocol: 'tcp' },
    ]);
    assert.deepEqual(parsePortSpec('53/udp'), [{ mode: 'ingress', target: 53, protocol: 'udp' }]);
    assert.deepEqual(parsePortSpec('127.0.0.1:8000:80'), [
      { mode: 'ingress', target: 80, published: 8000, protocol: 'tcp' },
    ]);
  });
  it('expands ranges in text order of "port/proto"', () => {
    assert.deepEqual(
      parsePortSpec('9-10:9-10').map((p) => p.target),
      [10, 9],
    );
  });
  for (const bad of ['80:', 'a:80', '70000', '80/http', '1-3:4-5-6', '3-1']) {
    it(`rejects ${bad}`, () => assert.throws(() => parsePortSpec(bad)));
  }
});

describe('short volume syntax', () => {
  it('named, bind, anonymous, options', () => {
    assert.deepEqual(parseVolumeSpec('data:/data'), { type: 'volume', source: 'data', target: '/data' });
    assert.deepEqual(parseVolumeSpec('./x:/x:ro'), {
      type: 'bind',
      source: './x',
      target: '/x',
      read_only: true,
    });
    assert.deepEqual(parseVolumeSpec('/data'), { type: 'volume', target: '/data' });
    assert.deepEqual(parseVolumeSpec('vol:/v:nocopy'), {
      type: 'volume',
      source: 'vol',
      target: '/v',
      volume: { nocopy: true },
    });
    // A one-letter source followed by ':' is a Windows drive to docker, even on Linux.
    assert.deepEqual(parseVolumeSpec('v:/v:nocopy'), { type: 'bind', source: 'v:/v', target: 'nocopy' });
    assert.deepEqual(parseVolumeSpec('/a:/b:rslave'), {
      type: 'bind',
      source: '/a',
      target: '/b',
      bind: { propagation: 'rslave' },
    });
  });
  for (const bad of ['', 'ab::c', 'ab:/c:ro:x'])
    it(`rejects ${JSON.stringify(bad)}`, () => assert.throws(() => parseVolumeSpec(bad)));
});

describe('command strings split like google/shlex', () => {
  const cases: [string, string[]][] = [
    ['traefik', ['traefik']],
    ["sh -c 'echo a b'", ['sh', '-c', 'echo a b']],
    ['a "b \\" c" d\\ e', ['a', 'b " c', 'd e']],
    ['a #comment', ['a']],
    ['a#b', ['a#b']],
  ];
  for (const [input, out] of cases) it(input, () => assert.deepEqual(shlexSplit(input), out));
  it('rejects an unterminated quote', () => assert.throws(() => shlexSplit('"abc')));
});

describe('plain scalars as docker (yaml.v3) resolves them', () => {
  const cases: [string, unknown][] = [
    ['yes', 'yes'],
    ['on', 'on'],
    ['true', true],
    ['FALSE', false],
    ['~', null],
    ['0555', 365],
    ['0o17', 15],
    ['0x1F', 31],
    ['1_000', 1000],
    ['1e3', 1000],
    ['.5', 0.5],
    ['1:20', '1:20'],
    ['5017:5017', '5017:5017'],
    ['2001-01-01', '2001-01-01 00:00:00 +0000 UTC'],
    ['v1', 'v1'],
  ];
  for (const [input, out] of cases)
    it(`${input} -> ${JSON.stringify(out)}`, () => assert.deepEqual(resolvePlainScalar(input), out));
});

describe('abra app environment', () => {
  it('stack names replace dots and stop at 45 characters', () => {
    assert.equal(stackNameOf('cloud.example.com'), 'cloud_example_com');
    assert.equal(stackNameOf(`${'a'.repeat(50)}.example.com`), 'a'.repeat(45));
  });
  it('COMPOSE_FILE is colon separated with compose.yml as default', () => {
    assert.deepEqual(composeFilesOf({}), ['compose.yml']);
    assert.deepEqual(composeFilesOf({ COMPOSE_FILE: '' }), ['compose.yml']);
    assert.deepEqual(composeFilesOf({ COMPOSE_FILE: 'compose.yml:sub/compose.x.yml:' }), [
      'compose.yml',
      'sub/compose.x.yml',
    ]);
  });
  it('abra.sh exports win over the env file, STACK_NAME is always set', () => {
    assert.deepEqual(composeEnv({ A: '1', V: 'v1' }, { V: 'v9' }, 'a.b'), {
      A: '1',
      V: 'v9',
      STACK_NAME: 'a_b',
    });
  });
  it('sizes in bytes with binary multiples', () => {
    assert.equal(ramInBytes('512M'), 536870912);
    assert.equal(ramInBytes('1.5g'), 1610612736);
    assert.equal(ramInBytes('100'), 100);
    assert.equal(ramInBytes('1GiB'), 1073741824);
    assert.equal(ramInBytes('lots'), undefined);
  });
});
