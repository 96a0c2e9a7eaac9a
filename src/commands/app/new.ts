import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { appNew } from '../../services/app/new.js';

interface Flags {
  server?: string;
  domain?: string;
  secrets?: boolean;
  pass?: boolean;
  chaos?: boolean;
  showSecrets?: boolean;
}

export function define(cmd: Command): void {
  cmd
    .argument('[recipe]', 'a recipe name or git path (see `abra recipe ls`); fetched when missing')
    .argument('[version]', 'a release tag of the recipe (default: the latest)')
    .option('-s, --server <server>', 'the server the app runs on (see `abra server ls`)')
    .option('-D, --domain <domain>', "the app's domain, which is also its name")
    .option('-S, --secrets', "generate all of the recipe's secrets on the server")
    .option('-p, --pass', 'accepted for compatibility: generated values are always printed, once')
    .option('--show-secrets', 'accepted for symmetry with `app secret generate`: values are shown anyway')
    .option('-C, --chaos', "use the recipe's working tree instead of a release tag")
    .addHelpText(
      'after',
      "\nWrites $ABRA_DIR/servers/<server>/<domain>.env from the recipe's .env.sample at that version,\n" +
        'with <recipe>.example.com replaced by the domain and TYPE/RECIPE=<recipe>:<version>. A recipe not\n' +
        'fetched yet is cloned first (from the catalogue, or https://<path>.git for a git path), not with --offline.\n\n' +
        'Example:\n  abra app new wordpress -s default -D blog.example.com --secrets\n',
    )
    .action(async (recipe: string | undefined, version: string | undefined, opts: Flags, self: Command) =>
      withDeps(self, async (deps, globals) => {
        const res = await appNew(
          {
            recipe,
            version,
            server: opts.server,
            domain: opts.domain,
            secrets: opts.secrets === true,
            chaos: opts.chaos === true,
            offline: globals.offline,
          },
          deps,
        );
        for (const w of res.warnings) deps.io.warn(w);
        if ((opts.pass || opts.showSecrets) && !opts.secrets)
          deps.io.warn('--pass and --show-secrets only apply with --secrets; no secret was generated');
        deps.io.out(
          `Created app ${res.app} (recipe ${res.recipe}, ${res.source}) on server ${res.server}: ${res.envFile}`,
        );
        if (opts.secrets) {
          // The values were shown through the secrets.generated event (src/ui/events.ts).
          const names = res.secrets.map((s) => `${s.name} (${s.version})`).join(', ') || 'none';
          deps.io.out(`Generated ${res.secrets.length} secret(s) on ${res.server}: ${names}`);
          for (const s of res.skippedSecrets)
            deps.io.warn(
              `secret ${s.name} is generate=false: insert it with \`abra app secret insert ${res.app} ${s.name} <version> <value>\``,
            );
        }
        deps.io.out(
          `Next: review the config with \`abra app config ${res.app}\`, then deploy with \`abra app deploy ${res.app}\`.`,
        );
      }),
    );
}
