import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { UserError } from '../../errors.js';
import { appCheck } from '../../services/app/check.js';
import { appPlacementCheck } from '../../services/app/check-placement.js';
import { appReachable } from '../../services/app/reachable.js';
import { recipeDeps } from '../../services/recipe/deps.js';
import { renderJson, renderTable } from '../../ui/table.js';

export function define(cmd: Command): void {
  cmd
    .argument('<app>', 'app name (its domain)')
    .option('-m, --machine', 'print JSON')
    .option('-r, --reachable', "probe the URLs the app's traefik labels route instead (status, certificate)")
    .option('--timeout <seconds>', 'with --reachable: how long each URL may take', '10')
    .addHelpText(
      'after',
      "\nCompares the app's env file with the .env.sample of the recipe version it uses (RECIPE=name:version,\n" +
        'read from that tag; without a version, from the working tree). Missing keys are required settings\n' +
        'the app lacks (exit 1); optional keys are commented out in the sample; extra keys are not in it.\n' +
        "Then the release a deploy would use is checked against the server's nodes: a warning for a service\n" +
        'with a named volume that may run on more than one node (volumes are node-local), and for one whose\n' +
        'placement constraints no node meets (a deploy refuses it).\n' +
        "With --reachable: the URLs the running services' traefik.* labels route, each fetched once (same-host\n" +
        'redirects followed, at most 64 KiB read): HTTP status, certificate issuer and expiry, and each problem\n' +
        '(no answer, 404/502, expired, self-signed or untrusted certificate, another host) as a warning.\n',
    )
    .action(
      async (app: string, opts: { machine?: boolean; reachable?: boolean; timeout: string }, self: Command) =>
        withDeps(self, async (deps, globals) => {
          if (opts.reachable) {
            const seconds = Number(opts.timeout);
            if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 300)
              throw new UserError(`--timeout ${opts.timeout} is not a number of seconds between 0 and 300`, {
                hint: 'Pass e.g. --timeout 10.',
                code: 'bad_timeout',
              });
            if (globals.offline)
              throw new UserError('--reachable contacts the app; it cannot run with --offline', {
                hint: 'Drop --offline.',
                code: 'offline_refused',
              });
            const res = await appReachable({ app, timeoutMs: seconds * 1000 }, deps);
            if (opts.machine) return deps.io.out(renderJson(res));
            if (res.urls.length === 0)
              return deps.io.out(
                `${res.app}: no URL to probe (no service has traefik.enable=true and a Host() rule).`,
              );
            deps.io.out(
              renderTable(
                ['url', 'status', 'certificate', 'verdict'],
                res.urls.map((u) => [
                  u.via ? `${u.url} (via ${u.via})` : u.url,
                  u.status === undefined ? '-' : String(u.status),
                  u.certificate
                    ? `${u.certificate.issuer}, expires ${u.certificate.expires.slice(0, 10)}`
                    : '-',
                  u.ok ? 'ok' : u.problems.join('; '),
                ]),
              ),
            );
            const first = res.urls.find((u) => !u.ok);
            if (first?.hint) deps.io.err(first.hint.replaceAll('<app>', res.app));
            return;
          }
          const r = recipeDeps(deps);
          const res = await appCheck({ app }, { paths: deps.paths, git: r.git, recipes: r.recipes });
          const placement = await appPlacementCheck({ app }, deps);
          if (!res.ok) process.exitCode = 1;
          if (opts.machine) return deps.io.out(renderJson({ ...res, placement }));
          const rows = [
            ...res.missing.map((k) => [k.key, 'missing', `${res.sample}:${k.line}`]),
            ...res.optional.map((k) => [k.key, 'optional (unset)', `${res.sample}:${k.line}`]),
            ...res.extra.map((k) => [k.key, 'extra', `${res.envFile}:${k.line}`]),
          ];
          if (rows.length > 0) deps.io.out(renderTable(['key', 'status', 'where'], rows));
          deps.io.out(
            `${rows.length > 0 ? '\n' : ''}${res.app} (recipe ${res.recipe}${res.version ? ` ${res.version}` : ', working tree'}): ` +
              `${res.missing.length} missing, ${res.optional.length} optional unset, ${res.extra.length} extra`,
          );
          if (!res.ok)
            deps.io.err(
              `Add the missing keys to ${res.envFile} (\`abra app config ${res.app}\`); values are in ${res.sample}.`,
            );
        }),
    );
}
