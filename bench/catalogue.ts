import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labRegistry } from '../test/helpers/lab.js';
import { type BenchRow, median, nowMs } from './lib.js';

const BIN = new URL('../bin/abra.js', import.meta.url).pathname;
const RECIPES = 20;
const VERSIONS = 5;
const RUNS = 3;

/**
 * `abra catalogue generate` over 20 local recipes of 5 version tags and 2 services each, images
 * in the lab registry (digests asked over HTTP): cold (no cache; every tag read from git, every
 * digest asked), incremental with nothing changed (cache hits: tags listed, nothing read), and
 * incremental after one recipe got a new tag. The cold run is the reference of the other two.
 */
export async function benchCatalogue(): Promise<BenchRow[]> {
  const registry = labRegistry();
  const root = mkdtempSync(join(tmpdir(), 'abra-bench-catalogue-'));
  const abraDir = join(root, 'abra');
  const env = { PATH: process.env.PATH, HOME: root, ABRA_DIR: abraDir, GIT_CONFIG_NOSYSTEM: '1' };
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=b', '-c', 'user.email=b@b', ...args], { cwd, env });
  const nginx = ['1.25.3', '1.25.4', '1.26.0', '1.27.1', '1.26.0-alpine'];
  const postgres = ['15.5', '15.6', '16.1', '16.2', '16.2-alpine'];
  try {
    for (let r = 0; r < RECIPES; r++) {
      const dir = join(abraDir, 'recipes', `r${r}`);
      mkdirSync(dir, { recursive: true });
      git(dir, 'init', '-q', '-b', 'main');
      for (let v = 0; v < VERSIONS; v++) {
        writeFileSync(
          join(dir, 'compose.yml'),
          `version: "3.8"\nservices:\n  app:\n    image: ${registry}/abra-lab/nginx:${nginx[(r + v) % 5]}\n  db:\n    image: ${registry}/abra-lab/postgres:${postgres[v]}\n`,
        );
        writeFileSync(
          join(dir, 'README.md'),
          `# r${r}\n\n> bench\n\n<!-- metadata -->\n* **Category**: Apps\n* **Status**: 2\n<!-- endmetadata -->\n`,
        );
        git(dir, 'add', '-A');
        git(dir, 'commit', '-qm', `v${v}`);
        git(dir, 'tag', '-a', '-m', 'release', `${v + 1}.0.0+1`);
      }
    }
    const generate = (): number => {
      const t = nowMs();
      const res = spawnSync(process.execPath, [BIN, 'catalogue', 'generate', '--skip-updates'], {
        env,
        encoding: 'utf8',
      });
      const ms = nowMs() - t;
      if (res.status !== 0) throw new Error(`catalogue generate failed: ${res.stderr}`);
      return ms;
    };
    const cold: number[] = [];
    const warm: number[] = [];
    const oneTag: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      rmSync(join(abraDir, 'cache'), { recursive: true, force: true });
      rmSync(join(abraDir, 'catalogue'), { recursive: true, force: true });
      cold.push(generate());
      warm.push(generate());
      git(join(abraDir, 'recipes', 'r0'), 'tag', '-a', '-m', 'release', `9.${i}.0+1`);
      oneTag.push(generate());
    }
    const c = median(cold);
    const note = `${RECIPES} recipes x ${VERSIONS} tags x 2 services, lab registry`;
    return [
      { figure: `catalogue generate, cold (${note})`, ours: c, reference: undefined, referenceLabel: '' },
      {
        figure: 'catalogue generate, incremental, nothing changed',
        ours: median(warm),
        reference: c,
        referenceLabel: 'cold',
      },
      {
        figure: 'catalogue generate, incremental, one recipe re-tagged',
        ours: median(oneTag),
        reference: c,
        referenceLabel: 'cold',
      },
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
