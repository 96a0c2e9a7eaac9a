import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { CERT_WARN_DAYS, type CertificateRow } from '../../domain/status/certificates.js';
import type { AppRow } from '../../domain/status/server-status.js';
import { type ServerStatusRow, serverStatus } from '../../services/server/status.js';
import { renderJson, renderTable } from '../../ui/table.js';
import { formatBytes } from '../../ui/units.js';

export function define(cmd: Command): void {
  cmd
    .argument('[server]', 'server name (default: every server, at once)')
    .option('-m, --machine', 'print JSON')
    .addHelpText(
      'after',
      '\nDocker and Swarm versions, nodes, memory and disk use, the proxy (the app deployed from the\n' +
        'traefik recipe) and the health of every deployed app (running/desired tasks), then the\n' +
        "certificate the proxy serves for each domain apps route over HTTPS (asked on the server's\n" +
        'address with the domain as SNI, no DNS needed; issuer, days left; a warning when expired,\n' +
        `self-signed, untrusted, for another name, or under ${CERT_WARN_DAYS} days). A server that cannot be\n` +
        'reached is shown with its error; the exit code is 1 when any server was unreachable.\n',
    )
    .action(async (server: string | undefined, opts: { machine?: boolean }, self: Command) =>
      withDeps(self, async (deps) => {
        const rows = await serverStatus({ server }, deps);
        if (opts.machine) deps.io.out(renderJson(rows));
        else deps.io.out(rows.map(describe).join('\n\n'));
        if (rows.some((r) => !r.reachable)) process.exitCode = 1;
      }),
    );
}

function describe(row: ServerStatusRow): string {
  if (!row.report) {
    const e = row.error;
    return `${row.server}: unreachable: ${e?.message ?? '?'}${e?.hint ? `\n  fix: ${e.hint}` : ''}`;
  }
  const r = row.report;
  const s = r.swarm;
  const lines = [
    `${row.server}: Docker ${r.docker.version} (API ${r.docker.api}), ${r.docker.os}`,
    `  swarm   ${s.state}${s.state === 'active' ? (s.manager ? ', manager' : ', worker') : ''}` +
      (s.address ? ` at ${s.address}` : '') +
      (s.nodes > 0
        ? `; nodes ${s.ready}/${s.nodes} ready, ${s.managers} manager${s.managers === 1 ? '' : 's'}`
        : '') +
      (s.engines.length > 1 ? `; engines ${s.engines.join(', ')}` : ''),
    `  memory  ${formatBytes(r.memoryBytes)}, ${r.cpus} CPU${r.cpus === 1 ? '' : 's'}`,
    `  disk    images ${formatBytes(r.disk.images.bytes)} (${r.disk.images.count}), ` +
      `containers ${formatBytes(r.disk.containers.bytes)} (${r.disk.containers.count}), ` +
      `volumes ${formatBytes(r.disk.volumes.bytes)} (${r.disk.volumes.count}), build cache ${formatBytes(r.disk.buildCacheBytes)}`,
    `  proxy   ${r.proxy ? `${r.proxy.stack} (${r.proxy.version ?? 'version unknown'}) ${health(r.proxy)}` : 'none (no app of the traefik recipe is deployed)'}`,
  ];
  if (r.apps.length === 0) lines.push('  apps    none deployed');
  else {
    const table = renderTable(
      ['app', 'recipe', 'version', 'tasks', 'health'],
      r.apps.map((a) => [a.stack, a.recipe ?? '', a.version ?? '', `${a.running}/${a.desired}`, a.health]),
    );
    lines.push(...table.split('\n').map((l) => `  ${l}`));
  }
  const certs = row.certificates ?? [];
  if (certs.length > 0) {
    const table = renderTable(
      ['domain', 'certificate issuer', 'left', 'state'],
      certs.map((c) => [
        c.domain,
        c.issuer ?? '-',
        c.daysLeft === undefined ? '-' : `${c.daysLeft} days`,
        state(c),
      ]),
    );
    lines.push(...table.split('\n').map((l) => `  ${l}`));
  }
  return lines.join('\n');
}

function state(c: CertificateRow): string {
  const via = c.via ? ` (asked on ${c.via})` : '';
  return c.ok ? `ok, expires ${c.expires?.slice(0, 10)}` : `warning: ${c.problems.join('; ')}${via}`;
}

function health(a: AppRow): string {
  return `${a.running}/${a.desired} ${a.health}`;
}
