import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = new URL('../../bin/abra.js', import.meta.url).pathname;

export interface TtyOptions {
  env: NodeJS.ProcessEnv;
  /** The program to run with `args` instead of the built abra, e.g. ['bash'] for a shell. */
  program?: string[];
  columns?: number;
  rows?: number;
}

/** `abra ...` running on a real pseudo-terminal (a detached tmux session), driven by keys. */
export interface Tty {
  /** Keys as tmux names them: literal text, or 'Enter', 'Down', 'C-c', 'BSpace'... */
  keys(...keys: string[]): void;
  /** Literal text (no key-name lookup), e.g. a domain containing "-". */
  type(text: string): void;
  /** The visible screen, lines trimmed at the right. */
  screen(): string;
  /** Wait until the screen matches; fails with the screen when it does not within `ms`. */
  waitFor(pattern: RegExp, ms?: number): Promise<string>;
  /** The command's exit code, once it has ended. */
  exited(ms?: number): Promise<number>;
  close(): void;
}

/**
 * Start the built CLI in its own tmux server (-L: a socket of its own, so tests never touch a
 * user's tmux) with a fixed size and exactly the environment given. The exit code is written
 * to a file when the command ends; the pane stays open so its last screen can be read.
 */
export function startTty(args: string[], opts: TtyOptions): Tty {
  const dir = mkdtempSync(join(tmpdir(), 'abra-tty-'));
  const socket = `abra-test-${randomBytes(4).toString('hex')}`;
  const rcFile = join(dir, 'rc');
  const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  const program = opts.program ?? [process.execPath, BIN];
  const command = `${[...program, ...args].map(quote).join(' ')}; echo $? > ${quote(rcFile)}; sleep 600`;
  const tmux = (...a: string[]) =>
    execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...a], {
      encoding: 'utf8',
      // tmux itself needs no more than this; the command's environment comes from -e.
      env: { PATH: process.env.PATH, TERM: 'xterm-256color', TMUX_TMPDIR: dir },
    });
  tmux(
    'new-session',
    '-d',
    '-s',
    'abra',
    '-x',
    String(opts.columns ?? 100),
    '-y',
    String(opts.rows ?? 30),
    // env -i: the command sees exactly the test's environment, not the tmux server's.
    'env',
    '-i',
    ...Object.entries({ ...opts.env, TERM: 'xterm-256color' }).flatMap(([k, v]) =>
      v === undefined ? [] : [`${k}=${v}`],
    ),
    'sh',
    '-c',
    command,
  );
  const screen = () =>
    tmux('capture-pane', '-p', '-t', 'abra')
      .split('\n')
      .map((l) => l.trimEnd())
      .join('\n')
      .trimEnd();
  const poll = async <T>(what: string, ms: number, probe: () => T | undefined): Promise<T> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const got = probe();
      if (got !== undefined) return got;
      if (Date.now() > deadline)
        throw new Error(`timed out after ${ms}ms waiting for ${what}; screen:\n${screen()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return {
    keys: (...keys) => {
      tmux('send-keys', '-t', 'abra', ...keys);
    },
    type: (text) => {
      tmux('send-keys', '-t', 'abra', '-l', text);
    },
    screen,
    waitFor: (pattern, ms = 15_000) =>
      poll(String(pattern), ms, () => {
        const s = screen();
        return pattern.test(s) ? s : undefined;
      }),
    exited: (ms = 30_000) =>
      poll('the command to exit', ms, () => {
        if (!existsSync(rcFile)) return undefined;
        const text = readFileSync(rcFile, 'utf8').trim();
        return text === '' ? undefined : Number(text);
      }),
    close: () => {
      try {
        tmux('kill-server');
      } catch {
        // Already gone.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
