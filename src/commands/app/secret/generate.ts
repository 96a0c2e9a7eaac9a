import type { Command } from 'commander';
import { withDeps } from '../../../cli/context.js';
import { secretGenerate } from '../../../services/secret/generate.js';
import { renderJson, renderTable } from '../../../ui/table.js';

interface Flags {
  all?: boolean;
  pass?: boolean;
  machine?: boolean;
}

export function define(cmd: Command): void {
  cmd
    .argument('<app>', 'app name (its domain)')
    .argument('[secret]', 'the secret, as named in the recipe (see `abra app secret ls`)')
    .argument('[version]', 'generate at this version instead of the one in the app env')
    .option('-a, --all', 'generate every secret the app lacks on its server')
    .option('-p, --pass', 'print the generated values (shown this once only)')
    .option('-m, --machine', 'print JSON, values included')
    .addHelpText(
      'after',
      '\nA secret whose env line says `# length=N` is a random N-character password (`charset=default`,\n' +
        '`special`, `default,special`, `hex` or `alnum`); without a length it is a six-word passphrase;\n' +
        '`generate=false` secrets must be inserted. Values are never written to disk.\n',
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
          const res = await secretGenerate({ app, name: secret, version, all: opts.all === true }, deps);
          if (opts.machine) return deps.io.out(renderJson(res));
          for (const n of [...res.warnings, ...res.notes]) deps.io.warn(n);
          for (const s of res.skipped)
            deps.io.err(
              s.reason === 'exists'
                ? `Skipped ${s.name}: ${s.remoteName} already exists.`
                : `Skipped ${s.name}: generate=false, insert it with \`abra app secret insert ${res.app} ${s.name} <version> <value>\`.`,
            );
          if (res.generated.length === 0) return deps.io.out(`Nothing to generate for ${res.app}.`);
          const headers = ['secret', 'version', 'remote name', ...(opts.pass ? ['value'] : [])];
          const rows = res.generated.map((g) => [
            g.name,
            g.version,
            g.remoteName,
            ...(opts.pass ? [g.value] : []),
          ]);
          deps.io.out(renderTable(headers, rows));
          deps.io.out(
            opts.pass
              ? 'These values are shown once and cannot be read back from the swarm: store them now.'
              : `Generated ${rows.length} secret(s) on ${res.server}; values are not shown (--pass prints them).`,
          );
        }),
    );
}
