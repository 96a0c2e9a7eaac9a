import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import type { Direction } from '../../domain/release/candidates.js';
import { appMove } from '../../services/release/upgrade.js';
import { renderJson } from '../../ui/table.js';

/** The flags and output `app upgrade` and `app rollback` share: one service, two directions. */
export function defineMove(cmd: Command, direction: Direction): void {
  cmd
    .argument('<app>', 'app name (its domain)')
    .argument(
      '[version]',
      direction === 'upgrade'
        ? 'a newer release (default: the newest)'
        : 'an older release (default: the newest one below the deployed version)',
    )
    .option('-r, --releasenotes', 'only show the release notes')
    .option('-f, --force', 'deploy even if nothing changed (new tasks for every service)')
    .option('-C, --chaos', "deploy the recipe's working tree instead of a release")
    .option('-p, --prune', 'remove services the release no longer defines')
    .option('-D, --no-domain-checks', 'do not check that DOMAIN resolves to the server')
    .option('-c, --no-converge-checks', 'do not wait for the services to converge')
    .option('--force-unlock', "take over another operator's lock on this app")
    .option('--no-backup', 'upgrade: skip the backup taken first when the app has backup labels')
    .option('-m, --machine', 'print the plan and the result as JSON')
    .action(
      async (
        app: string,
        version: string | undefined,
        opts: {
          releasenotes?: boolean;
          force?: boolean;
          chaos?: boolean;
          prune?: boolean;
          domainChecks?: boolean;
          convergeChecks?: boolean;
          forceUnlock?: boolean;
          backup?: boolean;
          machine?: boolean;
        },
        self: Command,
      ) =>
        withDeps(self, async (deps, globals) => {
          const res = await appMove(
            {
              app,
              direction,
              version,
              releaseNotesOnly: opts.releasenotes === true,
              chaos: opts.chaos === true,
              force: opts.force === true,
              prune: opts.prune === true,
              noDomainChecks: opts.domainChecks === false,
              noConvergeChecks: opts.convergeChecks === false,
              noInput: globals.noInput,
              forceUnlock: opts.forceUnlock === true,
              noBackup: opts.backup === false,
              // A question on stdout would break the JSON there.
              askVersion: opts.machine !== true,
            },
            deps,
          );
          if (opts.machine) return deps.io.out(renderJson(res));
          if (!res.deploy) return;
          if (res.backup)
            deps.io.out(
              `Backed up ${res.app} first: snapshot ${res.backup.snapshots.map((s) => s.summary.snapshotId.slice(0, 8)).join(', ')}.`,
            );
          const done = direction === 'upgrade' ? 'Upgraded' : 'Rolled back';
          deps.io.out(
            `${done} ${res.app} on ${res.server}: ${res.from} -> ${res.deploy.version} in ${(res.deploy.durationMs / 1000).toFixed(1)}s` +
              `${res.deploy.converged === 'skipped' ? ' (convergence not checked)' : ''}.`,
          );
        }),
    );
}
