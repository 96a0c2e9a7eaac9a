import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { appRun } from '../../services/app/run.js';

export function define(cmd: Command): void {
  // Flags after the command belong to it (`abra app run x app -- ls -la`).
  cmd.parent?.enablePositionalOptions();
  cmd
    .argument('<app>', 'app name (its domain)')
    .argument('<service>', 'service whose running container runs the command (e.g. app)')
    .argument('<cmd...>', 'command and its arguments (put -- before a command with flags)')
    .option('-t, --no-tty', 'no TTY, even when stdin is a terminal')
    .option('-u, --user <user>', 'run as this user (name or uid[:gid])')
    .option(
      '-e, --env <NAME=value>',
      'set an environment variable (repeatable)',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .passThroughOptions()
    .action(
      async (
        app: string,
        service: string,
        command: string[],
        opts: { tty: boolean; user?: string; env: string[] },
        self: Command,
      ) =>
        withDeps(self, async (deps) => {
          const stdin = process.stdin;
          const stdout = process.stdout;
          const tty = opts.tty !== false && stdin.isTTY === true;
          if (tty) stdin.setRawMode(true);
          try {
            const res = await appRun(
              {
                app,
                service,
                cmd: command,
                user: opts.user,
                env: opts.env,
                tty,
                stdio: {
                  stdin,
                  stdout,
                  stderr: process.stderr,
                  terminal: {
                    size: () => (stdout.isTTY ? { rows: stdout.rows, columns: stdout.columns } : undefined),
                    onResize: (listener) => {
                      stdout.on('resize', listener);
                      return () => stdout.off('resize', listener);
                    },
                  },
                },
              },
              deps,
            );
            process.exitCode = res.exitCode;
          } finally {
            if (tty) stdin.setRawMode(false);
          }
        }),
    );
}
