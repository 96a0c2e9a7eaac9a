import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { errnoCode } from '../../errors.js';

/**
 * Run a shell script on this machine (`abra app cmd --local`): bash when installed, else sh,
 * with `args` as its positional parameters. Resolves with the exit code (128 + n on signal n).
 */
export interface LocalShellOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdin?: Readable | undefined;
  stdout: Writable;
  stderr: Writable;
}

export async function runLocalShell(
  script: string,
  args: string[],
  opts: LocalShellOptions,
): Promise<number> {
  for (const shell of ['bash', 'sh']) {
    try {
      return await runWith(shell, script, args, opts);
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT' || shell === 'sh') throw err;
    }
  }
  return 127;
}

function runWith(shell: string, script: string, args: string[], opts: LocalShellOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(shell, ['-c', script, 'abra-cmd', ...args], {
      env: opts.env,
      cwd: opts.cwd,
      stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    child.once('error', reject);
    if (opts.stdin && child.stdin) {
      opts.stdin.pipe(child.stdin);
      child.stdin.on('error', () => {});
    }
    child.stdout?.pipe(opts.stdout, { end: false });
    child.stderr?.pipe(opts.stderr, { end: false });
    child.once('close', (code, signal) => {
      opts.stdin?.unpipe();
      opts.stdin?.pause();
      resolve(code ?? (signal ? 128 + signalNumber(signal) : 1));
    });
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  return constants.signals[signal];
}
