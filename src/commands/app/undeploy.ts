import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { appUndeploy } from '../../services/app/undeploy.js';
import { renderJson } from '../../ui/table.js';

export function define(cmd: Command): void {
  cmd
    .argument('<app>', 'app name (its domain)')
    .option('-p, --prune', 'then remove unused configs, secrets of old versions and leftover networks')
    .option('-m, --machine', 'print JSON')
    .addHelpText(
      'after',
      '\nRemoves the services and networks; volumes, secrets and configs are kept. With --prune,\n' +
        "the app's configs and the secrets the env no longer selects go too (never volumes).\n",
    )
    .action(async (app: string, opts: { machine?: boolean; prune?: boolean }, self: Command) =>
      withDeps(self, async (deps, globals) => {
        const res = await appUndeploy({ app, noInput: globals.noInput, prune: opts.prune === true }, deps);
        if (opts.machine) return deps.io.out(renderJson(res));
        const p = res.pruned;
        deps.io.out(
          p
            ? `Undeployed ${res.app} from ${res.server}: removed ${res.services.length} service(s) and ${res.networks.length} network(s); ` +
                `pruned ${p.secrets.length} old secret(s), ${p.configs.length} config(s), ${p.networks.length} leftover network(s); ` +
                `kept ${p.keptSecrets.length} current secret(s) and all volumes.`
            : `Undeployed ${res.app} from ${res.server}: removed ${res.services.length} service(s) and ${res.networks.length} network(s); volumes and secrets kept.`,
        );
      }),
    );
}
