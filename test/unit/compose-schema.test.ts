import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parse } from 'yaml';
import type { DescNode, JsonSchema } from '../../src/domain/compose/schema/describe.js';
import { buildJsonSchema } from '../../src/domain/compose/schema/describe.js';
import {
  COMPOSE_SCHEMA_VERSIONS,
  type ComposeSchemaVersion,
  checkPortSpec,
  checkPortValue,
  composeFileDescription,
  composeJsonSchema,
  createComposeValidator,
  parseGoDuration,
  resolveSchemaVersion,
} from '../../src/domain/compose/schema/index.js';

const CORPUS = '/work/shared/recipes-corpus';
const ENV: Record<string, string> = { STACK_NAME: 'app_example_com', DOMAIN: 'app.example.com' };

/** `${VAR}`, `${VAR:-default}` and `$VAR` with a fixed environment (unset: default or empty). */
function interpolate(value: unknown): unknown {
  if (typeof value === 'string') {
    return value.replace(
      /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-?+]([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
      (match, braced?: string, fallback?: string, bare?: string) =>
        match === '$$' ? '$' : (ENV[braced ?? bare ?? ''] ?? fallback ?? ''),
    );
  }
  if (Array.isArray(value)) return value.map(interpolate);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v)]));
  }
  return value;
}

function corpusFiles(): string[] {
  return readdirSync(CORPUS, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(join(CORPUS, d.name))
        .filter((f) => /^compose.*\.ya?ml$/.test(f))
        .map((f) => join(CORPUS, d.name, f)),
    );
}

function versionOf(config: Record<string, unknown>): string | undefined {
  return config.version === undefined ? undefined : String(config.version);
}

function validateYaml(text: string): string[] {
  const config = parse(text) as Record<string, unknown>;
  return createComposeValidator()
    .validate(config, versionOf(config))
    .map((i) => i.message);
}

describe('compose schema: real recipes', () => {
  const files = corpusFiles();

  it('finds the corpus', () => {
    assert.ok(files.length >= 20, `only ${files.length} compose files`);
  });

  for (const file of files) {
    it(`${file.slice(CORPUS.length + 1)} is valid`, () => {
      const config = interpolate(parse(readFileSync(file, 'utf8'))) as Record<string, unknown>;
      assert.deepEqual(createComposeValidator().validate(config, versionOf(config)), []);
    });
  }
});

describe('compose schema: versions', () => {
  it('resolves absent, empty and "3" to the newest schema', () => {
    for (const v of [undefined, '', '3']) {
      assert.deepEqual(resolveSchemaVersion(v), { ok: true, version: '3.13' });
    }
    assert.deepEqual(resolveSchemaVersion('3.4'), { ok: true, version: '3.4' });
  });

  it('refuses versions docker 28.2.2 does not ship, with one issue at `version`', () => {
    const validator = createComposeValidator();
    for (const v of ['3.14', '2', '2.4', '4', '3.99', '3.08', '3.1.0', '<nil>', 'true']) {
      const issues = validator.validate({ version: v, services: {} }, v);
      assert.equal(issues.length, 1, v);
      assert.deepEqual(issues[0]?.path, ['version']);
      assert.equal(issues[0]?.keyword, 'version');
      assert.match(
        issues[0]?.message ?? '',
        new RegExp(`^unsupported Compose file version: ${v.replace('.', '\\.')} `),
      );
    }
  });

  it('still checks that a numeric version is a string, like docker', () => {
    assert.deepEqual(validateYaml('version: 3.8\nservices: {}'), ['version must be a string']);
    assert.deepEqual(validateYaml('version: 3\nservices: {}'), ['version must be a string']);
  });

  it('requires `version` before 3.10 only', () => {
    const validator = createComposeValidator();
    assert.deepEqual(
      validator.validate({ services: {} }, '3.9').map((i) => i.message),
      ['(root) version is required'],
    );
    assert.deepEqual(validator.validate({ services: {} }, '3.10'), []);
  });

  it('knows exactly 3.0 to 3.13', () => {
    assert.deepEqual(
      COMPOSE_SCHEMA_VERSIONS,
      Array.from({ length: 14 }, (_, i) => `3.${i}`),
    );
  });
});

describe('compose schema: generation from one description', () => {
  function nodeAt(schema: JsonSchema, steps: readonly string[]): unknown {
    let node: unknown = schema;
    for (const step of steps) node = (node as Record<string, unknown> | undefined)?.[step];
    return node;
  }

  /** Every node annotated with `since`, with the JSON schema steps that reach it. */
  function annotated(
    node: DescNode,
    steps: string[] = [],
  ): { steps: string[]; since: ComposeSchemaVersion }[] {
    const found = node.since === undefined ? [] : [{ steps, since: node.since }];
    const children: [string[], DescNode][] = [
      ...Object.entries(node.properties ?? {}).map(([k, v]): [string[], DescNode] => [['properties', k], v]),
      ...Object.entries(node.patternProperties ?? {}).map(([k, v]): [string[], DescNode] => [
        ['patternProperties', k],
        v,
      ]),
      ...(node.items ? [[['items'], node.items] as [string[], DescNode]] : []),
      ...(node.oneOf ?? []).map((v, i): [string[], DescNode] => [['oneOf', String(i)], v]),
    ];
    return [...found, ...children.flatMap(([s, child]) => annotated(child, [...steps, ...s]))];
  }

  it('a part annotated `since` is absent in the version before and present from that version on', () => {
    const parts = annotated(composeFileDescription);
    assert.ok(parts.length >= 40, `only ${parts.length} annotated parts`);
    for (const { steps, since } of parts) {
      const index = COMPOSE_SCHEMA_VERSIONS.indexOf(since);
      for (const [i, version] of COMPOSE_SCHEMA_VERSIONS.entries()) {
        const node = nodeAt(composeJsonSchema(version), steps);
        // Parts nested in a part that only exists later are checked from that version on.
        const parentExists = nodeAt(composeJsonSchema(version), steps.slice(0, -2)) !== undefined;
        if (!parentExists) continue;
        assert.equal(node !== undefined, i >= index, `${steps.join('/')} in ${version} (since ${since})`);
      }
    }
  });

  it('applies keyword changes from their version on', () => {
    const build = [
      'properties',
      'services',
      'patternProperties',
      '^[a-zA-Z0-9._-]+$',
      'properties',
      'build',
      'oneOf',
      '1',
    ];
    const open = (v: ComposeSchemaVersion) =>
      (nodeAt(composeJsonSchema(v), build) as JsonSchema).additionalProperties;
    assert.equal(open('3.10'), false);
    assert.equal(open('3.11'), true);
    const ports = [
      'properties',
      'services',
      'patternProperties',
      '^[a-zA-Z0-9._-]+$',
      'properties',
      'ports',
      'items',
    ];
    assert.deepEqual(nodeAt(composeJsonSchema('3.1'), ports), {
      type: ['string', 'number'],
      format: 'ports',
    });
    assert.equal((nodeAt(composeJsonSchema('3.2'), ports) as JsonSchema).oneOf?.length, 3);
    assert.deepEqual(composeJsonSchema('3.9').required, ['version']);
    assert.equal(composeJsonSchema('3.10').required, undefined);
  });

  it('generates a fresh schema each time (no shared mutable state)', () => {
    const a = buildJsonSchema(composeFileDescription, '3.8');
    a.additionalProperties = true;
    assert.equal(buildJsonSchema(composeFileDescription, '3.8').additionalProperties, false);
  });
});

describe('compose schema: Go durations', () => {
  const valid: [string, bigint][] = [
    ['0', 0n],
    ['+0', 0n],
    ['-0', 0n],
    ['1s', 1_000_000_000n],
    ['1h2m3s', 3_723_000_000_000n],
    ['-1.5h', -5_400_000_000_000n],
    ['1.s', 1_000_000_000n],
    ['.5s', 500_000_000n],
    ['1µs', 1000n],
    ['1μs', 1000n],
    ['1us', 1000n],
    ['10ns', 10n],
    ['9223372036854775807ns', 9_223_372_036_854_775_807n],
    ['-9223372036854775808ns', -9_223_372_036_854_775_808n],
    ['2562047h', 9_223_369_200_000_000_000n],
  ];
  for (const [text, ns] of valid) {
    it(`accepts ${JSON.stringify(text)}`, () =>
      assert.deepEqual(parseGoDuration(text), { ok: true, nanoseconds: ns }));
  }
  const invalid = [
    '',
    '1',
    '00',
    '.',
    '.s',
    '-.s',
    '1 s',
    '1S',
    '1d',
    's',
    '1s2',
    '9223372036854775808ns',
    '2562048h',
    '1e3s',
  ];
  for (const text of invalid) {
    it(`rejects ${JSON.stringify(text)}`, () => assert.equal(parseGoDuration(text).ok, false));
  }

  it('accepts every duration built from numbers and units', () => {
    const part = fc
      .tuple(fc.nat(100_000), fc.option(fc.nat(999)), fc.constantFrom('ns', 'us', 'ms', 's', 'm', 'h'))
      .map(([n, f, u]) => `${n}${f === null ? '' : `.${f}`}${u}`);
    fc.assert(
      fc.property(
        fc.array(part, { minLength: 1, maxLength: 4 }),
        fc.constantFrom('', '-', '+'),
        (parts, sign) => {
          assert.equal(parseGoDuration(sign + parts.join('')).ok, true);
        },
      ),
    );
  });
});

describe('compose schema: port specs (go-connections nat.ParsePortSpec)', () => {
  const valid = [
    '80',
    '0',
    '65535',
    '081',
    '80-81',
    '1-2-3',
    '80:80',
    ':80',
    '8080-8081:80',
    '8080-8081:80-81',
    '80/udp',
    '80/UDP',
    '80/sctp',
    '80/',
    '80/tcp/x',
    '127.0.0.1:80:80',
    '127.0.0.1::80',
    '0.0.0.0:8000:8000/tcp',
    '[::1]:80:80',
    '::1:80:80',
    '::ffff:1.2.3.4:80:80',
    '[]:80:80',
    '80-81-x',
  ];
  for (const spec of valid)
    it(`accepts ${JSON.stringify(spec)}`, () => assert.deepEqual(checkPortSpec(spec), { ok: true }));
  const invalid = [
    '',
    'abc',
    '65536',
    '-1',
    '+80',
    ' 80',
    '80-',
    '81-80',
    '80:',
    '/80',
    '80/foo',
    '8080-8082:80-81',
    'abc:80:80',
    '1.2.3:80:80',
    '01.2.3.4:80:80',
    '256.0.0.1:80:80',
    'fe80::1%eth0:80:80',
    '[::1]x:80:80',
    '1::2::3:80:80',
  ];
  for (const spec of invalid)
    it(`rejects ${JSON.stringify(spec)}`, () => assert.equal(checkPortSpec(spec).ok, false));

  it('checks numbers through their Go rational text', () => {
    assert.equal(checkPortValue(80).ok, true);
    assert.equal(checkPortValue(0).ok, true);
    assert.equal(checkPortValue(-1).ok, false);
    assert.equal(checkPortValue(65536).ok, false);
    // 80.5 = 161/2: the numerator 161 is a port. 100000.5 = 200001/2 is not.
    assert.equal(checkPortValue(80.5).ok, true);
    assert.equal(checkPortValue(100000.5).ok, false);
    assert.equal(checkPortValue(1e3).ok, true);
  });
});

describe('compose schema: validator', () => {
  it('flags numbers JSON cannot carry (docker fails on .inf and .nan)', () => {
    const issues = createComposeValidator().validate(
      { version: '3.8', services: { app: { image: 'x', environment: { A: Number.POSITIVE_INFINITY } } } },
      '3.8',
    );
    assert.deepEqual(
      issues.map((i) => [i.path, i.message]),
      [
        [
          ['services', 'app', 'environment', 'A'],
          'services.app.environment.A must be a finite number (.inf and .nan are not supported)',
        ],
      ],
    );
  });

  it('validators are independent and give the same answer twice', () => {
    const doc = { version: '3.8', services: { app: { image: 5 } } };
    const a = createComposeValidator();
    const b = createComposeValidator();
    assert.deepEqual(a.validate(doc, '3.8'), a.validate(doc, '3.8'));
    assert.deepEqual(a.validate(doc, '3.8'), b.validate(doc, '3.8'));
    assert.equal(a.validate(doc, '3.8').length, 1);
  });

  it('never throws on arbitrary data and points every issue into the document', () => {
    const validator = createComposeValidator();
    const key = fc.constantFrom(
      'image',
      'ports',
      'deploy',
      'environment',
      'healthcheck',
      'volumes',
      'zz',
      'x-a',
      'networks',
    );
    const service = fc.dictionary(key, fc.jsonValue({ maxDepth: 3 }));
    fc.assert(
      fc.property(service, fc.constantFrom(...COMPOSE_SCHEMA_VERSIONS), (svc, version) => {
        const doc = { version, services: { app: svc } };
        for (const issue of validator.validate(doc, version)) {
          let node: unknown = doc;
          for (const step of issue.path) {
            assert.ok(
              typeof node === 'object' && node !== null,
              `${issue.message}: ${JSON.stringify(issue.path)}`,
            );
            node = (node as Record<string | number, unknown>)[step];
          }
          if (issue.keyword === 'additionalProperties') assert.notEqual(node, undefined);
        }
      }),
      { numRuns: 300 },
    );
  });
});
