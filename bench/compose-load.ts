import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { recipeVariants } from '../test/helpers/recipe-variants.js';
import { type BenchRow, nowMs } from './lib.js';

const FIXTURES = new URL('../test/fixtures/recipes/', import.meta.url).pathname;

/**
 * Load + interpolate + validate + merge every corpus recipe variant (each .env.sample overlay
 * combination) in one process, against one `docker stack config` process per variant.
 */
export async function benchComposeLoad(): Promise<BenchRow[]> {
  const recipes = readdirSync(FIXTURES).filter((d) => statSync(join(FIXTURES, d)).isDirectory());
  const variants = recipes.flatMap((r) => recipeVariants(join(FIXTURES, r), r));
  const inputs = variants.map((v) => ({
    v,
    sources: v.files.map((f) => ({ file: f, text: readFileSync(f, 'utf8') })),
  }));

  const t0 = nowMs();
  const { loadCompose } = await import('../src/domain/compose/load.js');
  const { createComposeValidator } = await import('../src/domain/compose/schema/index.js');
  const validator = createComposeValidator();
  for (const { v, sources } of inputs) {
    loadCompose({ files: sources, workingDir: dirname(sources[0]?.file ?? '.'), env: v.env, validator });
  }
  const cold = nowMs() - t0;
  const t1 = nowMs();
  const rounds = 5;
  for (let r = 0; r < rounds; r++) {
    for (const { v, sources } of inputs) {
      loadCompose({ files: sources, workingDir: dirname(sources[0]?.file ?? '.'), env: v.env, validator });
    }
  }
  const warm = (nowMs() - t1) / rounds;

  const t2 = nowMs();
  for (const { v } of inputs) {
    execFileSync('docker', ['stack', 'config', ...v.files.flatMap((f) => ['-c', f])], {
      env: { PATH: process.env.PATH, ...v.env },
      stdio: 'ignore',
    });
  }
  const docker = nowMs() - t2;
  return [
    {
      figure: `load+interpolate+validate+merge, ${inputs.length} corpus variants, one process incl. imports (goal <= 2x)`,
      ours: cold,
      reference: docker,
      referenceLabel: `${inputs.length} docker stack config runs`,
      note: `warm (modules loaded, schemas compiled): ${warm.toFixed(1)} ms for all ${inputs.length}`,
    },
  ];
}
