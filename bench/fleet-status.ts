import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerClient } from '../src/infra/docker/client.js';
import { localTransport } from '../src/infra/docker/transport.js';
import { hostBlock, loadLab, makeOperator } from '../test/helpers/lab.js';
import { type BenchRow, median, nowMs } from './lib.js';

const BIN = new URL('../bin/abra.js', import.meta.url).pathname;
const NS = 'com.docker.stack.namespace';
const APPS = 100;
const SERVERS = ['fleet-a', 'fleet-b', 'fleet-c'];
const RUNS = 5;
const NAIVE_SAMPLE = 10;
const OLD = '1.0.0+1';
const NEW = '1.1.0+1';

interface Cost {
  wall: number;
  connections: number;
  calls: number;
}

/**
 * `abra app ls --status` over a fleet: 100 apps on 3 servers (3 Host aliases of the lab sshd,
 * so 3 separate SSH connections), half of them "deployed" as replicas-0 services carrying
 * abra's labels. Counts SSH connections and Engine API calls from the CLI's own --debug line;
 * compares with asking per app, the way a script over the docker CLI would.
 */
export async function benchFleetStatus(): Promise<BenchRow[]> {
  const lab = loadLab();
  const op = makeOperator(lab);
  op.writeSshConfig(SERVERS.map((s) => hostBlock(s, lab)).join(''));
  const id = randomBytes(3).toString('hex');
  const local = new DockerClient('default', localTransport());
  const created: string[] = [];
  try {
    execFileSync('bash', [new URL('../scripts/example-image.sh', import.meta.url).pathname]);
    makeRecipe(join(op.abraDir, 'recipes', 'fleetbench'));
    const apps = Array.from({ length: APPS }, (_, i) => ({
      server: SERVERS[i % SERVERS.length] as string,
      domain: `fleet${i}-${id}.bench.example`,
      deployed: i % 2 === 0,
    }));
    for (const s of SERVERS) mkdirSync(join(op.abraDir, 'servers', s), { recursive: true });
    for (const app of apps) {
      writeFileSync(
        join(op.abraDir, 'servers', app.server, `${app.domain}.env`),
        `TYPE=fleetbench:${OLD}\nDOMAIN=${app.domain}\n`,
      );
      if (!app.deployed) continue;
      const stack = app.domain.replaceAll('.', '_');
      const res = await local.createService({
        Name: `${stack}_app`,
        Labels: { [NS]: stack, [`coop-cloud.${stack}.version`]: OLD, [`coop-cloud.${stack}.chaos`]: 'false' },
        TaskTemplate: { ContainerSpec: { Image: 'abra-example/hello:1', Command: ['sleep', '86400'] } },
        Mode: { Replicated: { Replicas: 0 } },
      } as never);
      created.push(res.ID);
    }

    const ls = (args: string[]) => {
      const t = nowMs();
      const res = spawnSync(process.execPath, [BIN, 'app', 'ls', ...args], { env: op.env, encoding: 'utf8' });
      const wall = nowMs() - t;
      if (res.status !== 0) throw new Error(`abra app ls ${args.join(' ')} failed: ${res.stderr}`);
      return { wall, stdout: res.stdout, stderr: res.stderr };
    };
    // Check the answer once: a fast wrong listing must not count.
    const check = JSON.parse(ls(['--status', '--machine']).stdout) as Record<
      string,
      { apps: { status: string; version?: string; upgrade?: string }[] }
    >;
    const listed = Object.values(check).flatMap((g) => g.apps);
    const deployed = listed.filter((a) => a.status === 'deployed');
    if (
      listed.length !== APPS ||
      deployed.length !== APPS / 2 ||
      !deployed.every((a) => a.version === OLD && a.upgrade === NEW)
    )
      throw new Error(`unexpected listing: ${JSON.stringify(listed.slice(0, 3))}`);

    const costs: Cost[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = ls(['--status', '--debug']);
      const m = /ssh connections=(\d+) channels=\d+ api calls=(\d+)/.exec(r.stderr);
      if (!m) throw new Error(`no cost line in --debug output:\n${r.stderr}`);
      costs.push({ wall: r.wall, connections: Number(m[1]), calls: Number(m[2]) });
    }
    const localOnly = median(Array.from({ length: RUNS }, () => ls([]).wall));

    const naive = naiveReference(lab.dir, apps.slice(0, NAIVE_SAMPLE), op.home);
    const wall = median(costs.map((c) => c.wall));
    const { connections, calls } = costs[costs.length - 1] as Cost;
    return [
      {
        figure: `app ls --status: ${APPS} apps on ${SERVERS.length} SSH servers -> ${connections} SSH connections, ${calls} API calls (goal 1 conn + <= 3 calls per server)`,
        ours: wall,
        reference: naive.perApp * APPS,
        referenceLabel: `naive: ${APPS} sequential docker -H ssh:// service ls --filter label=<stack> (${NAIVE_SAMPLE} timed, scaled)`,
        note:
          `median of ${RUNS}: ${costs.map((c) => c.wall.toFixed(0)).join(', ')} ms; ` +
          `naive: ${naive.perApp.toFixed(0)} ms and ${naive.sshPerApp.toFixed(1)} SSH connection(s) per app ` +
          `(~${Math.round(naive.sshPerApp * APPS)} for ${APPS} apps)`,
      },
      {
        figure: `app ls without --status, same ${APPS} apps (local env files only)`,
        ours: localOnly,
        reference: wall,
        referenceLabel: 'app ls --status',
      },
    ];
  } finally {
    for (const sid of created) await local.removeService(sid).catch(() => undefined);
    local.close();
    op.cleanup();
  }
}

function makeRecipe(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '.env.sample'), 'TYPE=fleetbench\nDOMAIN=fleetbench.example.com\n');
  writeFileSync(
    join(dir, 'compose.yml'),
    'version: "3.8"\nservices:\n  app:\n    image: abra-example/hello:1\n    command: ["sleep", "86400"]\n',
  );
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=b', '-c', 'user.email=b@b', ...args], { cwd: dir });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', OLD);
  git('tag', '-a', OLD, '-m', OLD);
  git('commit', '-qm', NEW, '--allow-empty');
  git('tag', '-a', NEW, '-m', NEW);
}

/**
 * One docker CLI run per app, sequentially. `ssh` is a counting wrapper around the lab's (which
 * adds its config): the docker CLI starts one ssh process per connection it opens.
 */
function naiveReference(
  labDir: string,
  sample: { domain: string }[],
  scratch: string,
): { perApp: number; sshPerApp: number } {
  const bin = join(scratch, 'naive-bin');
  const counter = join(scratch, 'ssh-count');
  mkdirSync(bin, { recursive: true });
  writeFileSync(counter, '');
  writeFileSync(join(bin, 'ssh'), `#!/bin/sh\necho x >>'${counter}'\nexec '${labDir}/bin/ssh' "$@"\n`);
  chmodSync(join(bin, 'ssh'), 0o755);
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
  const t = nowMs();
  for (const app of sample) {
    const stack = app.domain.replaceAll('.', '_');
    const res = spawnSync(
      'docker',
      [
        '-H',
        'ssh://abralab',
        'service',
        'ls',
        '--filter',
        `label=${NS}=${stack}`,
        '--format',
        '{{.Name}} {{.Replicas}}',
      ],
      { env, encoding: 'utf8' },
    );
    if (res.status !== 0) throw new Error(`docker -H ssh://abralab service ls failed: ${res.stderr}`);
  }
  const perApp = (nowMs() - t) / sample.length;
  const sshRuns = readFileSync(counter, 'utf8').split('\n').filter(Boolean).length;
  return { perApp, sshPerApp: sshRuns / sample.length };
}
