import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import type { EffectiveVar } from '../../domain/env/effective.js';
import { revealSecrets, SecretText } from '../../domain/secret/sensitive.js';
import { appEnv } from '../../services/app/env.js';
import { renderJson, renderTable } from '../../ui/table.js';

interface Flags {
  chaos?: boolean;
  machine?: boolean;
  showSecrets?: boolean;
}

export function define(cmd: Command): void {
  cmd
    .argument('<app>', 'app name (its domain)')
    .option('-C, --chaos', "read abra.sh and the compose files from the recipe's working tree")
    .option('-m, --machine', 'print JSON')
    .option('--show-secrets', 'also show values whose names look like credentials (PASSWORD, TOKEN, ...)')
    .addHelpText(
      'after',
      '\nThe env abra interpolates the compose files with at deploy: the env file, then the abra.sh\n' +
        'exports of the recipe version the app records (read as text, never run), then STACK_NAME.\n' +
        'Later sources win. Secrets are listed by name and version: their values live only on the\n' +
        "server's swarm. Nothing here contacts the server.\n",
    )
    .action(async (app: string, opts: Flags, self: Command) =>
      withDeps(self, async (deps) => {
        const res = await appEnv({ app, chaos: opts.chaos === true }, deps);
        if (opts.machine) return deps.io.out(renderJson(opts.showSecrets ? revealSecrets(res) : res));
        deps.io.out(
          `${res.app} on ${res.server}: recipe ${res.recipe} (${res.source}), env file ${res.envFile}\n`,
        );
        deps.io.out(
          renderTable(
            ['key', 'from', 'value'],
            res.vars.map((v) => [v.key, fromText(v, res.envFile), valueText(v, opts.showSecrets === true)]),
          ),
        );
        if (res.secrets !== undefined)
          deps.io.out(
            res.secrets.length === 0
              ? '\nThe recipe gives this app no secrets.'
              : `\n${renderTable(
                  ['secret', 'version', 'env key', 'remote name'],
                  res.secrets.map((s) => [s.name, s.version, s.envKey, s.remoteName]),
                )}`,
          );
        const hidden = res.vars.filter((v) => v.value instanceof SecretText).length;
        if (hidden > 0 && !opts.showSecrets)
          deps.io.err(
            `${hidden} value(s) with credential-like names are hidden; --show-secrets shows them. ` +
              "Secret values are never shown: they live only on the server's swarm.",
          );
      }),
    );
}

/** `env:12`, `abra.sh`, `computed`; the env file is named once in the heading. */
function fromText(v: EffectiveVar, envFile: string): string {
  const short = (where: string) =>
    where.startsWith(`${envFile}:`) ? `env:${where.slice(envFile.length + 1)}` : 'env';
  const from = v.from === 'env file' ? short(v.where) : v.from;
  return v.overrides === undefined ? from : `${from} (over ${short(v.overrides)})`;
}

function valueText(v: EffectiveVar, show: boolean): string {
  if (!(v.value instanceof SecretText)) return v.value;
  return show ? v.value.reveal() : v.value.toString();
}
