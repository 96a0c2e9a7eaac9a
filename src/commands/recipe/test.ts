import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { UserError } from '../../errors.js';
import { recipeTest } from '../../services/recipe/test-run.js';
import { renderJson, renderTable } from '../../ui/table.js';

interface Flags {
  server?: string;
  domain?: string;
  chaos?: boolean;
  keep?: boolean;
  env: string[];
  machine?: boolean;
}

export function define(cmd: Command): void {
  cmd
    .argument('<recipe>', 'a fetched recipe (see `abra recipe ls`)')
    .option('-s, --server <server>', 'the server to test on (see `abra server ls`)')
    .option('-D, --domain <domain>', "the base domain of the test app (default: the server's name)")
    .option('-C, --chaos', "test the recipe's working tree instead of its releases")
    .option('-k, --keep', 'leave the app on the server at the end, for debugging')
    .option(
      '-e, --env <KEY=VALUE>',
      "set in the test app's env before deploying (repeatable), e.g. COMPOSE_FILE=...",
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('-m, --machine', 'print the steps as JSON')
    .addHelpText(
      'after',
      `
Creates a throw-away app <recipe>-test-<random>.<domain>, generates its secrets, checks its
images are on the server, deploys it (the previous release when the recipe has two or more, so
the upgrade to the newest and the rollback are tested; the working tree with --chaos) and waits
until it is healthy, backs it up and restores it (recipes with backupbot labels), upgrades and
rolls back, then undeploys and removes it and checks nothing of it remains. Each step is the
command operators use (under the app lock, audited). A failed step skips the later ones but not
the cleanup, and the exit code is 1. On a server without IPVS, deploy through an overlay with
\`endpoint_mode: dnsrr\` and host-mode ports: --env COMPOSE_FILE=compose.yml:compose.host.yml.
`,
    )
    .action(async (recipe: string, opts: Flags, self: Command) =>
      withDeps(self, async (deps) => {
        if (!opts.server)
          throw new UserError('Which server? `abra recipe test` needs --server', {
            hint: `Give \`--server <server>\` (-s), one of \`abra server ls\`: abra recipe test ${recipe} -s <server>.`,
            code: 'usage',
          });
        const res = await recipeTest(
          {
            recipe,
            server: opts.server,
            domain: opts.domain,
            chaos: opts.chaos === true,
            keep: opts.keep === true,
            env: opts.env,
          },
          deps,
        );
        if (opts.machine) deps.io.out(renderJson(res));
        else
          deps.io.out(
            renderTable(
              ['step', 'status', 'time', 'detail'],
              res.steps.map((s) => [
                s.name,
                s.status,
                s.status === 'skipped' ? '-' : `${(s.durationMs / 1000).toFixed(1)}s`,
                s.detail ?? s.title,
              ]),
            ),
          );
        const remove = `abra app undeploy ${res.app} -n; abra app remove ${res.app} -n`;
        if (res.kept && !opts.machine)
          deps.io.out(`Kept ${res.app} on ${res.server} for debugging; remove it with: ${remove}`);
        if (!res.ok) {
          const failed = res.steps.find((s) => s.name === res.failed);
          throw new UserError(
            `The test of recipe ${res.recipe} failed at step ${res.failed}${failed?.detail ? `: ${failed.detail}` : ''}`,
            {
              where: `app ${res.app} on server ${res.server}`,
              hint: res.kept
                ? `The app was kept; look at it with \`abra app ps ${res.app}\`, then remove it: ${remove}.`
                : res.steps.find((s) => s.name === 'verify')?.status === 'passed'
                  ? 'See the step output above. Nothing of the app remains; run with --keep to leave it for debugging.'
                  : `The cleanup did not finish (see the undeploy, remove and verify steps): ${remove}.`,
              code: 'recipe_test_failed',
            },
          );
        }
        if (!opts.machine)
          deps.io.out(
            `Recipe ${res.recipe} passed on ${res.server} in ${(res.durationMs / 1000).toFixed(1)}s.`,
          );
      }),
    );
}
