/** All terminal interaction goes through here, so nothing else needs to know about TTYs. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  warn(text: string): void;
  debug(text: string): void;
}

export interface ConsoleIoOptions {
  debug: boolean;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
}

export function consoleIo(opts: ConsoleIoOptions): Io {
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
  };
}
