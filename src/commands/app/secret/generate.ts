import type { Command } from 'commander';
import { withDeps } from '../../../cli/context.js';
import { revealSecrets } from '../../../domain/secret/sensitive.js';
import { secretGenerate } from '../../../services/secret/generate.js';
import { renderJson } from '../../../ui/table.js';

interface Flags {
  all?: boolean;
  pass?: boolean;
  machine?: boolean;
  showSecrets?: boolean;
}

export function define(cmd: Command): void {
  cmd
    .argument('<app>', 'app name (its domain)')
    .argument('[secret]', 'the secret, as named in the recipe (see `abra app secret ls`)')
    .argument('[version]', 'generate at this version instead of the one in the app env')
    .option('-a, --all', 'generate every secret the app lacks on its server')
    .option('-p, --pass', 'accepted for compatibility: the values are always printed, once')
    .option('-m, --machine', 'print JSON (without the values, unless --show-secrets)')
    .option('--show-secrets', 'with --machine: include the generated values in the JSON')
    .addHelpText(
      'after',
      '\nA secret whose env line says `# length=N` is a random N-character password (`charset=default`,\n' +
        '`special`, `default,special`, `hex` or `alnum`); without a length it is a six-word passphrase;\n' +
        '`generate=false` secrets must be inserted. The values are printed this once, on stdout; abra\n' +
        'writes them nowhere else (not to disk, the audit log, debug output or --machine output).\n',
    )
    .action(
      async (
        app: string,
        secret: string | undefined,
        version: string | undefined,
        opts: Flags,
        self: Command,
      ) =>
        withDeps(self, async (deps) => {
          // The values reach the terminal through the secrets.generated event (src/ui/events.ts).
          const res = await secretGenerate({ app, name: secret, version, all: opts.all === true }, deps);
          if (opts.machine) return deps.io.out(renderJson(opts.showSecrets ? revealSecrets(res) : res));
          for (const n of [...res.warnings, ...res.notes]) deps.io.warn(n);
          for (const s of res.skipped)
            deps.io.err(
              s.reason === 'exists'
                ? `Skipped ${s.name}: ${s.remoteName} already exists.`
                : `Skipped ${s.name}: generate=false, insert it with \`abra app secret insert ${res.app} ${s.name} <version> <value>\`.`,
            );
          if (res.generated.length === 0) return deps.io.out(`Nothing to generate for ${res.app}.`);
          deps.io.out(`Generated ${res.generated.length} secret(s) for ${res.app} on ${res.server}.`);
        }),
    );
}
