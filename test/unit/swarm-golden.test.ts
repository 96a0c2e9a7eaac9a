// toStack against docker's own requests for the fixtures in test/fixtures/swarm: each
// wire.golden.json was recorded from `docker stack deploy` (CLI 28) by
// test/e2e/swarm-spec-oracle.test.ts, which also fails when the file no longer matches docker.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadCompose } from '../../src/domain/compose/load.js';
import { bindServiceSpec, toStack } from '../../src/domain/swarm/index.js';

const FIXTURES = new URL('../fixtures/swarm/', import.meta.url).pathname;

describe("toStack reproduces docker's recorded requests", () => {
  for (const fixture of ['features', 'edge']) {
    it(fixture, () => {
      const dir = join(FIXTURES, fixture);
      const file = join(dir, 'compose.yml');
      const config = loadCompose({
        files: [{ file, text: readFileSync(file, 'utf8') }],
        workingDir: dir,
        env: { STACK_NAME: 'stack' },
      });
      const ours = toStack(config, { namespace: 'stack', readFile: (p) => readFileSync(p) });
      const ids = { secret: (n: string) => `id:${n}`, config: (n: string) => `id:${n}` };
      const all = {
        networks: ours.networks,
        secrets: ours.secrets.map((s) => s.spec),
        configs: ours.configs.map((s) => s.spec),
        services: ours.services.map((s) => bindServiceSpec(s, ids)),
      };
      const text = JSON.stringify(all).replaceAll(dir, '<fixture>');
      const golden: unknown = JSON.parse(readFileSync(join(dir, 'wire.golden.json'), 'utf8'));
      assert.deepEqual(JSON.parse(text), golden);
    });
  }
});
