import type { Command } from 'commander';
import { withDeps } from '../../../cli/context.js';
import { secretInsert } from '../../../services/secret/insert.js';
import { renderJson } from '../../../ui/table.js';

interface Flags {
  file?: string | boolean;
  trim?: boolean;
  machine?: boolean;
}

export function define(cmd: Command): void {
  cmd
    .argument('<app>', 'app name (its domain)')
    .argument('<secret>', 'the secret, as named in the recipe (see `abra app secret ls`)')
    .argument('<version>', 'its version, e.g. v1 (normally the one in the app env)')
    .argument('[value]', 'the value (or, with a bare -f, the path of a file holding it)')
    .option('-f, --file [path]', 'read the value from a file (e.g. a certificate; /dev/stdin for a pipe)')
    .option('-t, --trim', 'strip whitespace at both ends of the value')
    .option('-m, --machine', 'print JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  abra app secret insert traefik.example.com ssl_cert v1 --file cert.pem\n' +
        '  abra app secret insert traefik.example.com ssl_cert v1 cert.pem -f   (Go abra style)\n',
    )
    .action(
      async (
        app: string,
        secret: string,
        version: string,
        value: string | undefined,
        opts: Flags,
        self: Command,
      ) =>
        withDeps(self, async (deps) => {
          // `-f` alone means "the value argument is a file", as in Go abra.
          const source =
            typeof opts.file === 'string'
              ? { file: opts.file, value }
              : opts.file
                ? { file: value }
                : { value };
          const res = await secretInsert(
            { app, name: secret, version, ...source, trim: opts.trim === true },
            deps,
          );
          if (opts.machine) return deps.io.out(renderJson(res));
          for (const n of res.notes) deps.io.warn(n);
          deps.io.out(
            `Inserted ${res.name} (${res.version}) on ${res.server} as ${res.remoteName} (${res.bytes} bytes).`,
          );
        }),
    );
}
