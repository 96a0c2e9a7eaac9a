import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadLab, makeOperator } from '../test/helpers/lab.js';
import { managerHostBlock, startMultiNode, stopMultiNode } from '../test/helpers/multinode.js';
import { SOLO_HOST, startSolo, stopSolo } from '../test/helpers/solo.js';
import { type BenchRow, median, nowMs } from './lib.js';

const BIN = new URL('../bin/abra.js', import.meta.url).pathname;
const SOLO_SCRIPT = new URL('../test/lab/solo.sh', import.meta.url).pathname;
const RUNS = 9;

// The same app on both: 3 replicas that log a line a second (one task per node on 3 nodes,
// all three on the one node of the solo server).
const COMPOSE = `---
version: "3.8"
services:
  app:
    image: abra-lab/busybox:1
    command:
      - sh
      - -c
      - trap 'exit 0' TERM; while :; do echo "tick from $$NODE_NAME"; sleep 1; done & wait
    environment:
      - NODE_NAME={{.Node.Hostname}}
    stop_grace_period: 1s
    deploy:
      replicas: 3
      endpoint_mode: dnsrr
      labels:
        - "coop-cloud.\${STACK_NAME}.version=1.0.0+1"
`;

function soloWasUp(): boolean {
  return spawnSync('bash', [SOLO_SCRIPT, 'status'], { stdio: 'ignore' }).status === 0;
}

/**
 * `abra app ps` and `abra app logs <app> app --tail 20` against the 3-node lab (one manager
 * reached over SSH, two workers behind it) and against the same app on the one-node solo
 * server (also a network namespace reached over SSH): the ratio is what the workers cost.
 * Each figure is the median wall time of the CLI over RUNS runs after a warm-up, the two
 * servers alternating.
 */
export async function benchMultinode(): Promise<BenchRow[]> {
  const lab = loadLab();
  const op = makeOperator(lab);
  const leaveSoloUp = soloWasUp();
  const mn = await startMultiNode(lab.hostKeyPub);
  const solo = startSolo([lab.images.busybox], lab.hostKeyPub);
  const id = randomBytes(3).toString('hex');
  // One app per server, names of the same length.
  const domainOf = (server: string) => `mnb-${server === 'l3' ? 'm' : 's'}-${id}.bench.example`;
  const abra = (args: string[]) => {
    const res = spawnSync(process.execPath, [BIN, ...args], { env: op.env, encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`abra ${args.join(' ')} failed: ${res.stderr}`);
    return res.stdout;
  };
  const deployed: string[] = [];
  try {
    op.writeSshConfig(
      managerHostBlock('l3', join(op.sshDir, 'id_ed25519'), join(op.sshDir, 'known_hosts')) +
        managerHostBlock('solo', join(op.sshDir, 'id_ed25519'), join(op.sshDir, 'known_hosts')).replace(
          /HostName \S+/,
          `HostName ${SOLO_HOST}`,
        ),
    );
    op.writeKnownHosts(`${mn.knownHostsLine}\n${solo.knownHostsLine}\n`);
    const recipeDir = join(op.abraDir, 'recipes', 'mnbench');
    mkdirSync(recipeDir, { recursive: true });
    writeFileSync(join(recipeDir, 'compose.yml'), COMPOSE);
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=b', '-c', 'user.email=b@b', ...args], { cwd: recipeDir });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-qm', 'v1');
    git('tag', '-a', '1.0.0+1', '-m', 'v1');
    for (const server of ['l3', 'solo']) {
      abra(['server', 'add', server]);
      writeFileSync(
        join(op.abraDir, 'servers', server, `${domainOf(server)}.env`),
        `TYPE=mnbench\nDOMAIN=${domainOf(server)}\nLETS_ENCRYPT_ENV=\nTIMEOUT=120\n`,
        { mode: 0o600 },
      );
      abra(['app', 'deploy', domainOf(server), '-n', '--no-domain-checks']);
      deployed.push(server);
    }
    // Let every task log a few lines first.
    await new Promise((r) => setTimeout(r, 3000));
    const measure = (args: (domain: string) => string[]) => {
      const times: Record<string, number[]> = { l3: [], solo: [] };
      for (let i = -1; i < RUNS; i++)
        for (const server of i % 2 === 0 ? ['l3', 'solo'] : ['solo', 'l3']) {
          const t = nowMs();
          abra(args(domainOf(server)));
          // The first round is a warm-up (page cache, SSH host keys, ...).
          if (i >= 0) times[server]?.push(nowMs() - t);
        }
      return { l3: median(times.l3 ?? []), solo: median(times.solo ?? []) };
    };
    const ps = measure((d) => ['app', 'ps', d]);
    const logs = measure((d) => ['app', 'logs', d, 'app', '--tail', '20']);
    return [
      {
        figure: 'app ps, 3 nodes (3 replicas, one per node)',
        ours: ps.l3,
        reference: ps.solo,
        referenceLabel: 'same app, 1-node server',
        note: `median of ${RUNS} CLI runs each, over SSH to the manager; goal within 1.2x`,
      },
      {
        figure: 'app logs --tail 20, 3 nodes',
        ours: logs.l3,
        reference: logs.solo,
        referenceLabel: 'same app, 1-node server',
        note: `median of ${RUNS} CLI runs each; the manager gathers the workers' logs; goal within 1.2x`,
      },
    ];
  } finally {
    for (const server of deployed)
      spawnSync(process.execPath, [BIN, '-n', 'app', 'undeploy', domainOf(server)], {
        env: op.env,
        stdio: 'ignore',
      });
    stopMultiNode();
    if (!leaveSoloUp) stopSolo();
    op.cleanup();
  }
}
