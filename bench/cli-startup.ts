import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BenchRow, timeCommand, timeInterleaved } from './lib.js';

const BIN = new URL('../bin/abra.js', import.meta.url).pathname;

/** `abra --help` start-up cost above the bare Node floor, next to `docker --help`. */
export async function benchCliStartup(): Promise<BenchRow[]> {
  const env = { ...process.env, ABRA_DIR: mkdtempSync(join(tmpdir(), 'abra-bench-')) };
  const runs = 21;
  const nodeFloor = timeCommand(process.execPath, ['-e', '0'], runs, env);
  const help = timeCommand(process.execPath, [BIN, '--help'], runs, env);
  const serverHelp = timeCommand(process.execPath, [BIN, 'server', 'add', '--help'], runs, env);
  const dockerHelp = timeCommand('docker', ['--help'], runs, env);
  const fleet = { ...process.env, ABRA_DIR: completionFleet() };
  const [floor, completeVerbs, completeServices, dockerComplete] = timeInterleaved(
    [
      { cmd: process.execPath, args: ['-e', '0'] },
      { cmd: process.execPath, args: [BIN, '__complete', 'app', ''], env: fleet },
      {
        cmd: process.execPath,
        args: [BIN, '__complete', 'app', 'logs', 'app50.s2.example.com', ''],
        env: fleet,
      },
      { cmd: 'docker', args: ['__complete', ''] },
    ],
    41,
  ) as [number, number, number, number];
  return [
    {
      figure: '`abra --help` minus `node -e 0` (goal <= 60 ms)',
      ours: help - nodeFloor,
      reference: dockerHelp,
      referenceLabel: 'docker --help',
      note: `median of ${runs}; node -e 0 = ${nodeFloor.toFixed(1)} ms, abra --help = ${help.toFixed(1)} ms`,
    },
    {
      figure: '`abra server add --help` minus `node -e 0`',
      ours: serverHelp - nodeFloor,
      reference: dockerHelp,
      referenceLabel: 'docker --help',
    },
    {
      figure: "Tab: `abra __complete app ''` minus `node -e 0` (100 apps on 3 servers)",
      ours: completeVerbs - floor,
      reference: dockerComplete,
      referenceLabel: "docker __complete ''",
      note: `median of 41, in turns with node -e 0 (${floor.toFixed(1)} ms)`,
    },
    {
      figure: "Tab: `abra __complete app logs <app> ''` (services from compose files) minus `node -e 0`",
      ours: completeServices - floor,
      reference: dockerComplete,
      referenceLabel: "docker __complete ''",
    },
  ];
}

/** An ABRA_DIR as a busy operator has it: 3 servers of 33 apps, one recipe with 40 tags. */
function completionFleet(): string {
  const dir = mkdtempSync(join(tmpdir(), 'abra-bench-complete-'));
  for (const s of ['s1', 's2', 's3']) {
    mkdirSync(join(dir, 'servers', s), { recursive: true });
    for (let i = 1; i <= 33; i++)
      writeFileSync(
        join(dir, 'servers', s, `app${i}.${s}.example.com.env`),
        'TYPE=hello:1.0.0+1\nCOMPOSE_FILE=compose.yml:compose.extra.yml\n',
      );
  }
  const recipe = join(dir, 'recipes', 'hello');
  mkdirSync(join(recipe, '.git', 'refs', 'tags'), { recursive: true });
  for (let i = 1; i <= 40; i++)
    writeFileSync(join(recipe, '.git', 'refs', 'tags', `0.${i}.0+1`), `${'0'.repeat(40)}\n`);
  writeFileSync(join(recipe, 'compose.yml'), 'services:\n  app:\n    image: a\n  db:\n    image: b\n');
  writeFileSync(join(recipe, 'compose.extra.yml'), 'services:\n  worker:\n    image: c\n');
  return dir;
}
