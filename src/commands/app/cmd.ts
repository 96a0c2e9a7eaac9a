import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { UserError } from '../../errors.js';
import { appCmd, appCmdList } from '../../services/app/cmd.js';
import { renderJson } from '../../ui/table.js';

export function define(cmd: Command): void {
  cmd
    .usage('<app> [service] <function> [-- args...]  |  ls <app>')
    .argument('<app>', 'app name (its domain), or `ls` to list the functions')
    .argument('[words...]', '[service] <function>, then -- and the arguments')
    .option('-l, --local', "run the function on this machine (with the app's env), not in a container")
    .option('-C, --chaos', "use the recipe's working tree instead of the deployed version")
    .option('-u, --user <user>', 'run as this user in the container')
    .option('-t, --no-tty', 'no TTY, even when stdin is a terminal')
    .option('-m, --machine', 'with ls: print JSON')
    .action(
      async (
        app: string,
        words: string[],
        opts: { local?: boolean; chaos?: boolean; user?: string; tty: boolean; machine?: boolean },
        self: Command,
      ) =>
        withDeps(self, async (deps) => {
          if (app === 'ls') {
            if (words.length !== 1) throw new UserError('Usage: abra app cmd ls <app>', { code: 'usage' });
            const res = await appCmdList({ app: words[0]!, chaos: opts.chaos === true }, deps);
            if (opts.machine) return deps.io.out(renderJson(res));
            if (res.functions.length === 0)
              return deps.io.out(`abra.sh of ${res.recipe} (${res.version}) defines no functions.`);
            return deps.io.out(res.functions.join('\n'));
          }
          // Words after `--` are the function's arguments, whatever they look like.
          const raw = deps.argv;
          const dash = raw.indexOf('--');
          const after = dash < 0 ? 0 : raw.length - dash - 1;
          const before = words.slice(0, words.length - after);
          const args = words.slice(words.length - after);
          if (before.length === 0 || before.length > 2)
            throw new UserError(
              before.length === 0
                ? 'Name the abra.sh function to run'
                : `Too many words before --: ${before.join(' ')}`,
              {
                hint: `Usage: abra app cmd <app> [service] <function> [-- args...]; list the functions with \`abra app cmd ls ${app}\`.`,
                code: 'usage',
              },
            );
          const [service, fn] = before.length === 2 ? [before[0], before[1]!] : [undefined, before[0]!];
          if (opts.local && service !== undefined)
            throw new UserError('--local runs on this machine, so a service cannot be named', {
              hint: `Drop the service: abra app cmd --local ${app} ${fn}.`,
              code: 'usage',
            });
          const stdin = process.stdin;
          const tty = !opts.local && opts.tty !== false && stdin.isTTY === true;
          if (tty) stdin.setRawMode(true);
          try {
            const res = await appCmd(
              {
                app,
                service,
                fn,
                args,
                local: opts.local === true,
                chaos: opts.chaos === true,
                user: opts.user,
                tty,
                stdio: { stdin, stdout: process.stdout, stderr: process.stderr },
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
