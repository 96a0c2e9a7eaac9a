import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FRESH_HOST, lockFresh, releaseFresh, startFresh, stopFresh } from '../test/helpers/fresh.js';
import { loadLab, makeOperator } from '../test/helpers/lab.js';
import { type BenchRow, median, nowMs } from './lib.js';

const BIN = new URL('../bin/abra.js', import.meta.url).pathname;
const RUNS = 3;

interface MachineEvent {
  event: string;
  t: number;
  step?: string;
  result?: string;
  ms?: number;
}

/**
 * `abra server bootstrap` of a fresh namespaced host (test/lab/fresh.sh: sshd only, Docker
 * installed but stopped, empty data-root), to swarm manager with the proxy network; its
 * breakdown per step from its own --machine events; then the no-op re-run. The reference does
 * the same by hand in one SSH command with the docker CLI (no probing, no checks). Installing
 * the package is not measured: docker.io is already on this machine's shared root filesystem.
 */
export async function benchBootstrap(): Promise<BenchRow[]> {
  const lab = loadLab();
  const op = makeOperator(lab);
  const ours: number[] = [];
  const rerun: number[] = [];
  const reference: number[] = [];
  const phases = new Map<string, number[]>();
  const add = (k: string, v: number) => phases.set(k, [...(phases.get(k) ?? []), v]);
  await lockFresh();
  try {
    for (let i = 0; i < RUNS; i++) {
      const fresh = startFresh(lab.hostKeyPub);
      op.writeSshConfig(fresh.sshBlock('fresh'));
      appendFileSync(join(op.sshDir, 'known_hosts'), `${fresh.knownHostsLine}\n`);
      let t = nowMs();
      const res = spawnSync(process.execPath, [BIN, 'server', 'bootstrap', 'fresh', '--machine'], {
        env: op.env,
        encoding: 'utf8',
      });
      ours.push(nowMs() - t);
      if (res.status !== 0) throw new Error(`bootstrap failed: ${res.stderr}`);
      const events = res.stderr
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as MachineEvent)
        .filter((e) => e.event === 'bootstrap');
      add('start-up + SSH + probe (to the first step)', events[0]?.t ?? Number.NaN);
      for (const e of events) if (e.result === 'changed') add(e.step ?? '?', e.ms ?? 0);
      t = nowMs();
      const again = spawnSync(process.execPath, [BIN, 'server', 'bootstrap', 'fresh'], { env: op.env });
      rerun.push(nowMs() - t);
      if (again.status !== 0) throw new Error('re-run failed');
      stopFresh();

      startFresh(lab.hostKeyPub);
      const script = `service docker start >/dev/null && docker swarm init --advertise-addr ${FRESH_HOST} >/dev/null && docker network create -d overlay --attachable proxy >/dev/null`;
      // OpenSSH expands ~ to the passwd home, not $HOME: absolute paths.
      const cfg = join(op.sshDir, 'reference_config');
      writeFileSync(
        cfg,
        `Host fresh\n  HostName ${FRESH_HOST}\n  User root\n  IdentityFile ${join(op.sshDir, 'id_ed25519')}\n` +
          `  IdentitiesOnly yes\n  UserKnownHostsFile ${join(op.sshDir, 'known_hosts')}\n`,
      );
      t = nowMs();
      execFileSync('ssh', ['-F', cfg, '-o', 'BatchMode=yes', 'fresh', script], {
        env: op.env,
        stdio: 'ignore',
      });
      reference.push(nowMs() - t);
      stopFresh();
    }
  } finally {
    stopFresh();
    releaseFresh();
    op.cleanup();
  }
  const rows: BenchRow[] = [
    {
      figure: `server bootstrap of a fresh netns host to swarm + proxy (median of ${RUNS})`,
      ours: median(ours),
      reference: median(reference),
      referenceLabel: 'ssh: service docker start; swarm init; network create',
      note: 'docker.io already installed (shared root filesystem): the install step is not in this figure',
    },
  ];
  for (const [phase, xs] of phases)
    rows.push({
      figure: `  bootstrap breakdown: ${phase} (median)`,
      ours: median(xs),
      reference: undefined,
      referenceLabel: '',
    });
  rows.push({
    figure: `server bootstrap re-run, nothing to change (median of ${RUNS})`,
    ours: median(rerun),
    reference: undefined,
    referenceLabel: '',
  });
  return rows;
}
