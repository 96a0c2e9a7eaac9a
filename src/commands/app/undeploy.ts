import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { appUndeploy } from '../../services/app/undeploy.js';
import { renderJson } from '../../ui/table.js';

export function define(cmd: Command): void {
  cmd
    .argument('<app>', 'app name (its domain)')
    .option('-m, --machine', 'print JSON')
    .addHelpText('after', '\nRemoves the services and networks; volumes, secrets and configs are kept.\n')
    .action(async (app: string, opts: { machine?: boolean }, self: Command) =>
      withDeps(self, async (deps, globals) => {
        const res = await appUndeploy({ app, noInput: globals.noInput }, deps);
        if (opts.machine) return deps.io.out(renderJson(res));
        deps.io.out(
          `Undeployed ${res.app} from ${res.server}: removed ${res.services.length} service(s) and ${res.networks.length} network(s); volumes and secrets kept.`,
        );
      }),
    );
}
