import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import type { Command } from 'commander';
import { withDeps } from '../../../cli/context.js';
import { UserError } from '../../../errors.js';
import { appBackupDownload } from '../../../services/backup/download.js';
import { renderJson } from '../../../ui/table.js';

export function define(cmd: Command): void {
  cmd
    .argument('<app>', 'app name (its domain)')
    .argument('[snapshot]', "snapshot id (default: the app's newest)")
    .requiredOption('--output <file>', 'where to write the tar (an existing file is not overwritten)')
    .option('-m, --machine', 'print JSON')
    .action(
      async (
        app: string,
        snapshot: string | undefined,
        opts: { output: string; machine?: boolean },
        self: Command,
      ) =>
        withDeps(self, async (deps) => {
          const out = createWriteStream(opts.output, { flags: 'wx', mode: 0o600 });
          await new Promise<void>((resolve, reject) => {
            out.once('open', () => resolve());
            out.once('error', (err: NodeJS.ErrnoException) =>
              reject(
                err.code === 'EEXIST'
                  ? new UserError(`${opts.output} exists already`, {
                      hint: 'Choose another file name.',
                      code: 'file_exists',
                    })
                  : err,
              ),
            );
          });
          try {
            const res = await appBackupDownload({ app, snapshot, out }, deps);
            out.end();
            await finished(out);
            if (opts.machine) return deps.io.out(renderJson({ ...res, output: opts.output }));
            deps.io.out(
              `Wrote snapshot ${res.snapshot.shortId} of ${res.app} to ${opts.output} (${res.bytes} bytes, tar).`,
            );
          } catch (err) {
            out.destroy();
            await rm(opts.output, { force: true });
            throw err;
          }
        }),
    );
}
