import type { Command } from 'commander';
import { withDeps } from '../../../cli/context.js';
import { KEEP_FLAGS, type KeepPolicy } from '../../../domain/backup/restic.js';
import { UserError } from '../../../errors.js';
import { appBackupForget } from '../../../services/backup/forget.js';
import { renderJson } from '../../../ui/table.js';

function count(flag: string) {
  return (v: string): number => {
    if (!/^\d+$/.test(v))
      throw new UserError(`--keep-${flag} takes a whole number, not ${JSON.stringify(v)}`, { code: 'usage' });
    return Number(v);
  };
}

export function define(cmd: Command): void {
  cmd.argument('<app>', 'app name (its domain)');
  for (const k of KEEP_FLAGS)
    cmd.option(
      `--keep-${k} <n>`,
      `keep the newest snapshot of the last n ${k === 'last' ? 'snapshots' : `${k} periods`}`,
      count(k),
    );
  cmd
    .option('--no-prune', 'only forget; leave the data for a later `restic prune`')
    .option('-m, --machine', 'print JSON')
    .action(async (app: string, opts: Record<string, unknown>, self: Command) =>
      withDeps(self, async (deps) => {
        const keep: KeepPolicy = {};
        for (const k of KEEP_FLAGS) {
          const key = `keep${k[0]!.toUpperCase()}${k.slice(1)}`;
          if (typeof opts[key] === 'number') keep[k] = opts[key] as number;
        }
        const res = await appBackupForget({ app, keep, prune: opts.prune !== false }, deps);
        if (opts.machine) return deps.io.out(renderJson(res));
        deps.io.out(res.report.join('\n'));
      }),
    );
}
