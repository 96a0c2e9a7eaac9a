import { UserError } from '../errors.js';

/** All terminal interaction goes through here, so nothing else needs to know about TTYs. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  warn(text: string): void;
  debug(text: string): void;
  /** Ask a yes/no question; without a terminal it refuses rather than guessing. */
  confirm(question: string): Promise<boolean>;
}

export interface ConsoleIoOptions {
  debug: boolean;
  noInput: boolean;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
}

export function consoleIo(opts: ConsoleIoOptions): Io {
  const stdin = opts.stdin ?? process.stdin;
  const stdout = opts.stdout ?? process.stdout;
  const stderr = opts.stderr ?? process.stderr;
  const started = Date.now();
  return {
    out: (text) => stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    warn: (text) => stderr.write(`warning: ${text}\n`),
    debug: (text) => {
      if (opts.debug) stderr.write(`debug [${String(Date.now() - started).padStart(5)}ms] ${text}\n`);
    },
    confirm: async (question) => {
      if (opts.noInput) return true;
      if (!stdin.isTTY) {
        throw new UserError(`Needs confirmation, but there is no terminal to ask: ${question}`, {
          hint: 'Re-run with --no-input (-n) to proceed without asking.',
          code: 'confirmation_required',
        });
      }
      // Loaded on first use: most runs never ask.
      const { createInterface } = await import('node:readline');
      const rl = createInterface({ input: stdin, output: stderr });
      const answer = await new Promise<string>((resolve) => rl.question(`${question} [y/N] `, resolve));
      rl.close();
      return /^y(es)?$/i.test(answer.trim());
    },
  };
}
