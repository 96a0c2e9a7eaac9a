import type { Command } from 'commander';
import { withDeps } from '../../../cli/context.js';
import { secretList } from '../../../services/secret/list.js';
import { renderJson, renderTable } from '../../../ui/table.js';

export function define(cmd: Command): void {
  cmd
    .argument('<app>', 'app name (its domain)')
    .option('-m, --machine', 'print JSON')
    .addHelpText(
      'after',
      '\nLists the secrets the recipe expects at the versions in the app env, and whether each is on the\n' +
        'server. Values are never shown: the swarm does not give them back.\n',
    )
    .action(async (app: string, opts: { machine?: boolean }, self: Command) =>
      withDeps(self, async (deps) => {
        const res = await secretList({ app }, deps);
        if (opts.machine) return deps.io.out(renderJson(res));
        if (res.secrets.length === 0)
          deps.io.out(`${res.app} (recipe ${res.recipe}, ${res.source}) declares no secrets.`);
        else
          deps.io.out(
            renderTable(
              ['secret', 'version', 'remote name', 'on server', 'generated as'],
              res.secrets.map((s) => [
                s.name,
                s.version,
                s.remoteName,
                s.onServer ? (s.labelled ? 'yes' : 'yes (unlabelled)') : 'no',
                s.problem ? `problem: ${s.problem}` : s.generate,
              ]),
            ),
          );
        if (res.others.length > 0)
          deps.io.out(
            `\nOther secrets of ${res.app} on ${res.server} (versions the env no longer uses): ` +
              res.others.map((o) => o.remoteName).join(', '),
          );
        const missing = res.secrets.filter((s) => !s.onServer).length;
        if (missing > 0)
          deps.io.err(
            `${missing} missing on ${res.server}: create them with \`abra app secret generate ${res.app} --all\`.`,
          );
      }),
    );
}
