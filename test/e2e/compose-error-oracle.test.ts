import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { createComposeValidator } from '../../src/domain/compose/schema/index.js';
import { corpusComposeTexts } from '../helpers/corpus.js';
import { dockerStackConfig, mapLimited, ourStackConfig } from '../helpers/stack-config.js';

const dir = mkdtempSync(join(tmpdir(), 'abra-errors-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const validator = createComposeValidator();

const seeds = corpusComposeTexts();

// Edits a maintainer could make by mistake, spliced in at a random line of a real file.
const edits = fc.constantFrom(
  '    restart_polcy: {}',
  '    restart: always',
  '    ports: ["80:80:80"]',
  '    ports: ["bad"]',
  '    stop_grace_period: 10',
  '    stop_grace_period: 10x',
  '    healthcheck: {interval: 5}',
  '    deploy: {replicas: two}',
  '    deploy: {resources: {limits: {memory: 1Q}}}',
  '    environment: [1, 2]',
  '    image: ${IMAGE:?set IMAGE}',
  '    image: $',
  '    volumes: ["a::b"]',
  '    labels: {a: [1]}',
  '    configs: [{source: x, mode: rw}]',
  '    x-custom: 1',
  '  extra_service:',
  'x-top: 1',
  'version: "3.2"',
  'unknown_top: 1',
  '    extends: other',
  '    networks: {default: {aliases: a}}',
  '      endpoint_mode: vip',
  '      replicas: 2',
  '  -',
  '\t',
);

const mutated = fc.tuple(fc.constantFrom(...seeds), fc.nat(), edits).map(([text, line, edit]) => {
  const lines = text.split('\n');
  const at = 1 + (line % Math.max(1, lines.length - 1));
  lines.splice(at, 0, edit);
  return lines.join('\n');
});

describe('broken compose files: docker stack config rejects <=> abra rejects', () => {
  it('200 mutated corpus files', async () => {
    const cases = fc.sample(mutated, { numRuns: 200, seed: 99 });
    const env = { STACK_NAME: 'x_example_com', DOMAIN: 'x.example.com', SECRET_DB_PASSWORD_VERSION: 'v1' };
    let rejected = 0;
    const mismatches: string[] = [];
    await mapLimited(cases, 4, async (text, i) => {
      const file = join(dir, `m${i}.yml`);
      writeFileSync(file, text);
      const theirs = await dockerStackConfig([file], env);
      const ours = ourStackConfig([file], env, validator);
      if (!theirs.ok) rejected++;
      if (theirs.ok !== ours.ok) {
        mismatches.push(
          `${file}: docker ${theirs.ok ? 'accepts' : `rejects: ${theirs.error}`}; abra ${ours.ok ? 'accepts' : `rejects: ${ours.error}`}`,
        );
      } else if (theirs.ok && ours.ok) {
        assert.deepEqual(ours.json, theirs.json, file);
      }
    });
    assert.deepEqual(mismatches.slice(0, 5), []);
    assert.ok(
      rejected > 40 && rejected < 190,
      `a real mix of valid and invalid files (${rejected} rejected)`,
    );
  });
});
