import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerClient } from '../src/infra/docker/client.js';
import { localTransport } from '../src/infra/docker/transport.js';
import { loadLab, makeOperator } from '../test/helpers/lab.js';
import { type BenchRow, median, nowMs } from './lib.js';

const BIN = new URL('../bin/abra.js', import.meta.url).pathname;
const FIXTURE = new URL('./fixtures/recipes/trio/', import.meta.url).pathname;
const RUNS = 3;
const NS = 'com.docker.stack.namespace';

/**
 * A fresh deploy of a 3-service recipe to converged, on the lab swarm through the local socket:
 * `abra app deploy` (the CLI: git, compose, plan, apply, lock, audit, convergence watch) against
 * `docker stack deploy --resolve-image never` followed by a tight poll of the Engine API until
 * every service runs its tasks. Each run deploys a new stack; all are removed afterwards.
 */
export async function benchDeploy(): Promise<BenchRow[]> {
  const lab = loadLab();
  const op = makeOperator(lab);
  const id = randomBytes(3).toString('hex');
  const stacks: string[] = [];
  const local = new DockerClient('default', localTransport());
  try {
    execFileSync('bash', [new URL('../scripts/example-image.sh', import.meta.url).pathname]);
    const recipeDir = join(op.abraDir, 'recipes', 'trio');
    cpSync(FIXTURE, recipeDir, { recursive: true });
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=b', '-c', 'user.email=b@b', ...args], { cwd: recipeDir });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-qm', 'trio');
    git('tag', '-a', '1.0.0+1', '-m', '1.0.0+1');
    mkdirSync(join(op.abraDir, 'servers', 'default'), { recursive: true });

    const ours: number[] = [];
    const oursPrep: number[] = [];
    const phases: Record<Phase, number[]> = {
      'start-up + load release': [],
      lock: [],
      'read + plan': [],
      writes: [],
      convergence: [],
      'record + audit + exit': [],
    };
    const theirs: number[] = [];
    const theirsCli: number[] = [];
    const theirsWait: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      // Alternate who goes first so neither always meets a warmer engine.
      const order =
        i % 2 === 0
          ? [deployOurs, deployTheirs, deployTheirsWaiting]
          : [deployTheirsWaiting, deployTheirs, deployOurs];
      for (const step of order) await step(i);
    }

    // docker's own way to wait: `--detach=false` follows each service until it is stable.
    async function deployTheirsWaiting(i: number): Promise<void> {
      const stack = `bdep_w${i}_${id}`;
      stacks.push(stack);
      const t = nowMs();
      const res = spawnSync(
        'docker',
        [
          'stack',
          'deploy',
          '--detach=false',
          '--resolve-image',
          'never',
          '-c',
          join(recipeDir, 'compose.yml'),
          stack,
        ],
        { encoding: 'utf8' },
      );
      if (res.status !== 0) throw new Error(`docker stack deploy --detach=false failed: ${res.stderr}`);
      theirsWait.push(nowMs() - t);
    }

    async function deployOurs(i: number): Promise<void> {
      const domain = `bdep-a${i}-${id}.bench.example`;
      const stack = domain.replaceAll('.', '_');
      stacks.push(stack);
      writeFileSync(join(op.abraDir, 'servers', 'default', `${domain}.env`), `TYPE=trio\nDOMAIN=${domain}\n`);
      const t = nowMs();
      const res = spawnSync(
        process.execPath,
        [BIN, 'app', 'deploy', domain, '-n', '--no-domain-checks', '--debug', '--machine'],
        { env: op.env, encoding: 'utf8' },
      );
      const elapsed = nowMs() - t;
      if (res.status !== 0) throw new Error(`abra app deploy failed: ${res.stderr}`);
      await assertConverged(local, stack);
      ours.push(elapsed);
      // Where the time goes, from the events' own clock (ms since the process started).
      const at = eventTimes(res.stderr);
      const mark = [at.started, at.locked, at.plan, at.waiting, at.converged, elapsed];
      if (mark.every((m) => m !== undefined)) {
        const m = mark as number[];
        for (const [k, phase] of (Object.keys(phases) as Phase[]).entries())
          phases[phase].push((m[k] as number) - (k === 0 ? 0 : (m[k - 1] as number)));
        oursPrep.push(m[1] as number);
      }
    }

    async function deployTheirs(i: number): Promise<void> {
      const stack = `bdep_r${i}_${id}`;
      stacks.push(stack);
      const t = nowMs();
      const res = spawnSync(
        'docker',
        ['stack', 'deploy', '--resolve-image', 'never', '-c', join(recipeDir, 'compose.yml'), stack],
        { encoding: 'utf8' },
      );
      if (res.status !== 0) throw new Error(`docker stack deploy failed: ${res.stderr}`);
      theirsCli.push(nowMs() - t);
      await waitRunning(local, stack, 3);
      theirs.push(nowMs() - t);
    }

    return [
      {
        figure: `deploy a 3-service recipe, fresh stack, to converged (median of ${RUNS}; goal <= 0.9x)`,
        ours: median(ours),
        reference: median(theirs),
        referenceLabel: 'docker stack deploy --resolve-image never + API poll every 20 ms',
        note:
          `abra app deploy (CLI, local socket): ${fmt(ours)}, its lock (first write) taken at ${fmt(oursPrep)} after the process started; ` +
          `docker stack deploy + poll: ${fmt(theirs)}, of which the docker CLI itself ${fmt(theirsCli)}`,
      },
      ...(Object.entries(phases) as [Phase, number[]][]).map(([phase, xs]) => ({
        figure: `  deploy breakdown: ${phase} (median)`,
        ours: xs.length ? median(xs) : Number.NaN,
        reference: undefined,
        referenceLabel: '',
      })),
      {
        figure: `deploy a 3-service recipe, fresh stack, to converged, vs docker's own wait (median of ${RUNS})`,
        ours: median(ours),
        reference: median(theirsWait),
        referenceLabel: 'docker stack deploy --detach=false',
        note: `docker stack deploy --detach=false: ${fmt(theirsWait)}`,
      },
    ];
  } finally {
    await removeStacks(local, stacks);
    local.close();
    op.cleanup();
  }
}

type Phase =
  | 'start-up + load release'
  | 'lock'
  | 'read + plan'
  | 'writes'
  | 'convergence'
  | 'record + audit + exit';

/** When the deploy's milestones happened, from its --machine event lines. */
function eventTimes(
  stderr: string,
): Partial<Record<'started' | 'locked' | 'plan' | 'waiting' | 'converged', number>> {
  const out: Partial<Record<'started' | 'locked' | 'plan' | 'waiting' | 'converged', number>> = {};
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    const e = JSON.parse(line) as { event: string; t: number; message?: string };
    if (e.event === 'operation.started') out.started ??= e.t;
    else if (e.event === 'debug' && /^lock \S+ taken/.test(e.message ?? '')) out.locked ??= e.t;
    else if (e.event === 'plan') out.plan ??= e.t;
    else if (e.event === 'waiting') out.waiting ??= e.t;
    else if (e.event === 'converged') out.converged ??= e.t;
  }
  return out;
}

function fmt(xs: number[]): string {
  return xs.map((x) => `${x.toFixed(0)} ms`).join(', ');
}

async function stackServices(docker: DockerClient, stack: string) {
  const all = await docker.services({ label: [`${NS}=${stack}`] }, true);
  return all.filter((s) => s.Spec.Labels?.[NS] === stack);
}

/** The reference's "converged": every service of the stack runs as many tasks as it wants. */
async function waitRunning(docker: DockerClient, stack: string, count: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const services = await stackServices(docker, stack);
    if (
      services.length === count &&
      services.every(
        (s) =>
          (s.ServiceStatus?.DesiredTasks ?? 1) > 0 &&
          s.ServiceStatus?.RunningTasks === s.ServiceStatus?.DesiredTasks,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${stack} did not converge within 120 s`);
}

/** abra said it converged: check it, so a fast wrong answer cannot win. */
async function assertConverged(docker: DockerClient, stack: string): Promise<void> {
  const services = await stackServices(docker, stack);
  const ok =
    services.length === 3 &&
    services.every(
      (s) => s.ServiceStatus !== undefined && s.ServiceStatus.RunningTasks === s.ServiceStatus.DesiredTasks,
    );
  if (!ok) throw new Error(`abra reported ${stack} converged, but it is not`);
}

/** Services, then (once their tasks are gone) networks, and abra's lock/audit configs. */
async function removeStacks(docker: DockerClient, stacks: string[]): Promise<void> {
  for (const stack of stacks) {
    for (const s of await stackServices(docker, stack))
      await docker.removeService(s.ID).catch(() => undefined);
    for (const label of ['coop-cloud.lock.stack', 'coop-cloud.audit.stack'])
      for (const c of await docker.configs({ label: [`${label}=${stack}`] }))
        await docker.removeConfig(c.ID).catch(() => undefined);
  }
  const deadline = Date.now() + 60_000;
  for (const stack of stacks) {
    while (Date.now() < deadline) {
      const nets = (await docker.networks({ label: [`${NS}=${stack}`] })).filter(
        (n) => n.Labels?.[NS] === stack,
      );
      if (nets.length === 0) break;
      for (const n of nets) await docker.removeNetwork(n.Id).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
