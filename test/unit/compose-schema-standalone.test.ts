// The built CLI validates compose files with validators generated at build time (ajv
// standalone code, scripts/compose-validators.ts); tests and `tsx` compile the schemas with ajv
// at run time. Both must give the same answer on every input: the same raw errors and the same
// issues, for every schema version, on the corpus and on random mutations of it.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ErrorObject, ValidateFunction } from 'ajv';
import fc from 'fast-check';
import { parse } from 'yaml';
import { buildComposeValidators } from '../../scripts/compose-validators.js';
import { compileComposeSchema, createComposeAjv } from '../../src/domain/compose/schema/compile.js';
import {
  COMPOSE_SCHEMA_VERSIONS,
  type ComposeSchemaVersion,
  composeValidatorOf,
} from '../../src/domain/compose/schema/index.js';
import { loadValidatorScript } from '../../src/infra/compose/precompiled.js';
import { corpusComposeTexts } from '../helpers/corpus.js';

const dir = mkdtempSync(join(tmpdir(), 'abra-standalone-test-'));
let usedCache = 0;
const generated = new Map<ComposeSchemaVersion, ValidateFunction>();
const runtimeAjv = createComposeAjv();
const runtime = new Map<ComposeSchemaVersion, ValidateFunction>();

before(async () => {
  await buildComposeValidators(dir);
  for (const v of COMPOSE_SCHEMA_VERSIONS) {
    // As the built CLI loads them: with the V8 code cache the build stored.
    const loaded = loadValidatorScript(join(dir, `${v}.cjs`));
    if (loaded.usedCache) usedCache++;
    generated.set(v, loaded.validate);
    runtime.set(v, compileComposeSchema(runtimeAjv, v));
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

const at = (m: Map<ComposeSchemaVersion, ValidateFunction>) => (v: ComposeSchemaVersion) =>
  m.get(v) as ValidateFunction;

/** Errors without the verbose schema objects, which deepEqual compares anyway below by value. */
function errorsOf(validate: ValidateFunction, data: unknown): ErrorObject[] | null {
  validate(data);
  return validate.errors ? structuredClone(validate.errors) : null;
}

function assertSame(data: Record<string, unknown>, version: ComposeSchemaVersion): void {
  const ours = at(generated)(version);
  const ajvs = at(runtime)(version);
  assert.deepEqual(errorsOf(ours, data), errorsOf(ajvs, data), `raw errors, version ${version}`);
  assert.deepEqual(
    composeValidatorOf(at(generated)).validate(data, version),
    composeValidatorOf(at(runtime)).validate(data, version),
    `issues, version ${version}`,
  );
}

const corpus = corpusComposeTexts()
  .map((t) => parse(t) as unknown)
  .filter((d): d is Record<string, unknown> => typeof d === 'object' && d !== null && !Array.isArray(d));

describe('compose schema: generated validators = ajv at run time', () => {
  it('generates one validator per schema version', () => {
    assert.equal(generated.size, COMPOSE_SCHEMA_VERSIONS.length);
    assert.ok(corpus.length >= 20, `only ${corpus.length} corpus files`);
  });

  it('loads with the code cache the build stored; ignores a cache that is not for its script', () => {
    // Same node as the build: V8 takes the cache.
    assert.equal(usedCache, COMPOSE_SCHEMA_VERSIONS.length);
    const file = join(dir, '3.8.cjs');
    const cache = readFileSync(`${file}.v8cache`);
    const source = readFileSync(file, 'utf8');
    try {
      // The same length with other content: V8 alone would take the stale cache.
      writeFileSync(file, source.replace('"use strict";', "'use strict';"));
      assert.equal(loadValidatorScript(file).usedCache, false);
    } finally {
      writeFileSync(file, source);
      writeFileSync(`${file}.v8cache`, cache);
    }
    assert.equal(loadValidatorScript(file).usedCache, true);
  });

  it('agrees on every corpus file under every version (valid and invalid)', () => {
    let failing = 0;
    for (const doc of corpus)
      for (const v of COMPOSE_SCHEMA_VERSIONS) {
        assertSame(doc, v);
        if (!at(runtime)(v)(doc)) failing++;
      }
    // Older versions reject newer keys: the comparison covers error paths, not only passes.
    assert.ok(failing > 10, `only ${failing} failing combinations`);
  });

  it('agrees on random mutations of corpus files', () => {
    const leaf = fc.oneof(
      fc.string(),
      fc.constantFrom(
        '10s',
        '1m30s',
        '10x',
        '-1s',
        '80:80',
        '8080-8081:80/udp',
        'a:b',
        '0.0.0.0:80:80',
        '65536',
      ),
      fc.integer({ min: -70000, max: 70000 }),
      fc.double({ noNaN: true }),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string(), fc.integer()), { maxKeys: 3 }),
    );
    fc.assert(
      fc.property(
        fc.nat({ max: corpus.length - 1 }),
        fc.constantFrom(...COMPOSE_SCHEMA_VERSIONS),
        fc.array(fc.tuple(fc.nat(), fc.oneof(leaf, fc.constant('__key__'))), { minLength: 1, maxLength: 4 }),
        fc.string({ maxLength: 10 }),
        (i, version, edits, newKey) => {
          const doc = structuredClone(corpus[i]) as Record<string, unknown>;
          for (const [pick, value] of edits) mutate(doc, pick, value, newKey);
          assertSame(doc, version);
        },
      ),
      { numRuns: 400 },
    );
  });
});

/** Replace the `pick`-th node (depth-first) by `value`, or add an unknown key `newKey` there. */
function mutate(doc: Record<string, unknown>, pick: number, value: unknown, newKey: string): void {
  const slots: [Record<string, unknown> | unknown[], string | number][] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node))
      node.forEach((c, k) => {
        slots.push([node, k]);
        walk(c);
      });
    else if (node !== null && typeof node === 'object')
      for (const [k, c] of Object.entries(node)) {
        slots.push([node as Record<string, unknown>, k]);
        walk(c);
      }
  };
  walk(doc);
  const slot = slots[pick % Math.max(1, slots.length)];
  if (!slot) return;
  const [parent, key] = slot;
  if (value === '__key__') {
    const target = (parent as Record<string, unknown>)[key as string];
    if (target !== null && typeof target === 'object' && !Array.isArray(target))
      (target as Record<string, unknown>)[newKey] = 1;
    return;
  }
  (parent as Record<string | number, unknown>)[key] = value;
}
