import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BenchRow, timeCommand } from './lib.js';

const BIN = new URL('../bin/abra.js', import.meta.url).pathname;

/** `abra --help` start-up cost above the bare Node floor, next to `docker --help`. */
export async function benchCliStartup(): Promise<BenchRow[]> {
  const env = { ...process.env, ABRA_DIR: mkdtempSync(join(tmpdir(), 'abra-bench-')) };
  const runs = 21;
  const nodeFloor = timeCommand(process.execPath, ['-e', '0'], runs, env);
  const help = timeCommand(process.execPath, [BIN, '--help'], runs, env);
  const serverHelp = timeCommand(process.execPath, [BIN, 'server', 'add', '--help'], runs, env);
  const dockerHelp = timeCommand('docker', ['--help'], runs, env);
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
  ];
}
