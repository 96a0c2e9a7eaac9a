import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { appDeploy } from '../../services/deploy/deploy.js';
import { renderJson } from '../../ui/table.js';

export function define(cmd: Command): void {
  cmd
    .argument('<app>', 'app name (its domain)')
    .argument(
      '[version]',
      "a release tag or commit of the recipe (default: the env's recorded version, else the latest)",
    )
    .option('-C, --chaos', "deploy the recipe's working tree, uncommitted changes included")
    .option('-f, --force', 'redeploy even if this version already runs (new tasks for every service)')
    .option('-p, --prune', 'remove services the recipe no longer defines (as docker stack deploy --prune)')
    .option('-D, --no-domain-checks', 'do not check that DOMAIN resolves to the server')
    .option('-c, --no-converge-checks', 'do not wait for the services to converge')
    .option('--no-probe', "do not probe the app's URLs after it converged (also skipped by -D and --offline)")
    .option('-i, --ignore-env-version', 'ignore the version recorded in the app env')
    .option('--force-unlock', "take over another operator's deploy lock on this app")
    .option('-m, --machine', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nShows the plan, asks (unless -n), applies it under the app lock, and waits until every task of\n' +
        'the new version runs (healthy where a healthcheck exists). On failure or timeout every changed\n' +
        'service is rolled back (a failed first deploy is removed; volumes and secrets are kept).\n' +
        "After it converged, the URLs the app's traefik.* labels route are printed and probed once the proxy\n" +
        'picks them up (up to 20 s): HTTP status, certificate issuer and expiry; a URL that does not answer, or\n' +
        'an expired, self-signed or untrusted certificate, is a warning, not a failure.\n',
    )
    .action(
      async (
        app: string,
        version: string | undefined,
        opts: {
          chaos?: boolean;
          force?: boolean;
          prune?: boolean;
          domainChecks?: boolean;
          convergeChecks?: boolean;
          probe?: boolean;
          ignoreEnvVersion?: boolean;
          forceUnlock?: boolean;
          machine?: boolean;
        },
        self: Command,
      ) =>
        withDeps(self, async (deps, globals) => {
          const res = await appDeploy(
            {
              app,
              version,
              chaos: opts.chaos === true,
              force: opts.force === true,
              prune: opts.prune === true,
              noDomainChecks: opts.domainChecks === false,
              noConvergeChecks: opts.convergeChecks === false,
              ignoreEnvVersion: opts.ignoreEnvVersion === true,
              noInput: globals.noInput,
              forceUnlock: opts.forceUnlock === true,
              probe: opts.probe !== false && opts.domainChecks !== false && !globals.offline,
            },
            deps,
          );
          if (opts.machine) return deps.io.out(renderJson(res));
          const changed = res.plan.services.filter((s) => s.action !== 'unchanged').length;
          deps.io.out(
            `Deployed ${res.app} ${res.version} on ${res.server} in ${(res.durationMs / 1000).toFixed(1)}s ` +
              `(${changed} service(s) changed${res.converged === 'skipped' ? ', convergence not checked' : ''}).`,
          );
          for (const u of res.reachability?.urls ?? [])
            deps.io.out(`${u.url}  ${u.ok ? 'ok' : `warning: ${u.problems.join('; ')}`}`);
        }),
    );
}
