import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerClient } from '../src/infra/docker/client.js';
import { localTransport } from '../src/infra/docker/transport.js';
import { loadLab, makeOperator } from '../test/helpers/lab.js';
import { type BenchRow, median, nowMs } from './lib.js';

const BIN = new URL('../bin/abra.js', import.meta.url).pathname;
const EXAMPLE = new URL('../examples/recipes/hello/', import.meta.url).pathname;
const RUNS = 3;
const V1 = '1.0.0+1';
const V2 = '1.1.0+1';
const IMAGE1 = 'abra-example/hello:1';
const IMAGE2 = 'abra-example/hello:bench-upgrade';

/**
 * An upgrade of one service to a new image, to converged (the new task running and healthy and
 * swarm's update completed): `abra app upgrade` (CLI: release notes, plan, lock, audit, update,
 * convergence watch) against `docker service update --image --detach` followed by a 20 ms poll
 * of the Engine API for the same end state. Both start from the same app deployed by abra.
 */
export async function benchUpgrade(): Promise<BenchRow[]> {
  const lab = loadLab();
  const op = makeOperator(lab);
  const id = randomBytes(3).toString('hex');
  const local = new DockerClient('default', localTransport());
  const stacks: string[] = [];
  try {
    execFileSync('bash', [new URL('../scripts/example-image.sh', import.meta.url).pathname]);
    execFileSync('docker', ['tag', IMAGE1, IMAGE2]);
    const recipeDir = join(op.abraDir, 'recipes', 'hello');
    cpSync(EXAMPLE, recipeDir, { recursive: true });
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=b', '-c', 'user.email=b@b', ...args], { cwd: recipeDir });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-qm', V1);
    git('tag', '-a', V1, '-m', V1);
    const compose = join(recipeDir, 'compose.yml');
    writeFileSync(compose, readFileSync(compose, 'utf8').replace(IMAGE1, IMAGE2));
    git('commit', '-qam', V2);
    git('tag', '-a', V2, '-m', V2);
    mkdirSync(join(op.abraDir, 'servers', 'default'), { recursive: true });
    const abra = (args: string[]) => {
      const res = spawnSync(process.execPath, [BIN, ...args], { env: op.env, encoding: 'utf8' });
      if (res.status !== 0) throw new Error(`abra ${args.join(' ')} failed: ${res.stderr}`);
    };
    const newApp = async (name: string): Promise<{ domain: string; stack: string }> => {
      const domain = `${name}-${id}.bench.example`;
      const stack = domain.replaceAll('.', '_');
      stacks.push(stack);
      const port = 20000 + Math.floor(Math.random() * 20000);
      writeFileSync(
        join(op.abraDir, 'servers', 'default', `${domain}.env`),
        `TYPE=hello\nDOMAIN=${domain}\nLETS_ENCRYPT_ENV=\nSECRET_API_KEY_VERSION=v1\nCOMPOSE_FILE=compose.yml:compose.host.yml\nHOST_PORT=${port}\nTIMEOUT=120\n`,
        { mode: 0o600 },
      );
      abra(['app', 'secret', 'generate', domain, '--all', '-n']);
      abra(['app', 'deploy', domain, V1, '-n', '--no-domain-checks']);
      return { domain, stack };
    };

    const ours: number[] = [];
    const theirs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const a = await newApp(`bup-a${i}`);
      const b = await newApp(`bup-r${i}`);
      const steps = [
        async () => {
          const t = nowMs();
          abra(['app', 'upgrade', a.domain, V2, '-n', '--no-domain-checks']);
          ours.push(nowMs() - t);
          await assertUpdated(local, `${a.stack}_app`);
        },
        async () => {
          const t = nowMs();
          const res = spawnSync(
            'docker',
            ['service', 'update', '--detach', '--image', IMAGE2, `${b.stack}_app`],
            {
              encoding: 'utf8',
            },
          );
          if (res.status !== 0) throw new Error(`docker service update failed: ${res.stderr}`);
          await waitUpdated(local, `${b.stack}_app`);
          theirs.push(nowMs() - t);
        },
      ];
      // Alternate who goes first.
      for (const step of i % 2 === 0 ? steps : steps.reverse()) await step();
    }
    return [
      {
        figure: `upgrade one service to a new image, to converged (median of ${RUNS}; goal <= 1.0x)`,
        ours: median(ours),
        reference: median(theirs),
        referenceLabel: 'docker service update --image --detach + API poll every 20 ms',
        note: `abra app upgrade: ${fmt(ours)}; docker service update + poll: ${fmt(theirs)} (update_config: start-first, monitor 5s, a healthcheck)`,
      },
    ];
  } finally {
    for (const stack of stacks) {
      const domain = stack.replaceAll('_', '.');
      spawnSync(process.execPath, [BIN, 'app', 'undeploy', domain, '-n'], { env: op.env });
      spawnSync(process.execPath, [BIN, 'app', 'remove', domain, '-n'], { env: op.env });
    }
    local.close();
    op.cleanup();
  }
}

function fmt(xs: number[]): string {
  return xs.map((x) => `${x.toFixed(0)} ms`).join(', ');
}

/** Swarm's own end state of an update: completed, and as many tasks running as wanted. */
async function updated(docker: DockerClient, name: string): Promise<boolean> {
  const [svc] = await docker.services({ name: [name] }, true);
  if (!svc) return false;
  const image = svc.Spec.TaskTemplate.ContainerSpec?.Image ?? '';
  return (
    image.startsWith(IMAGE2) &&
    svc.UpdateStatus?.State === 'completed' &&
    svc.ServiceStatus?.RunningTasks === svc.ServiceStatus?.DesiredTasks
  );
}

async function waitUpdated(docker: DockerClient, name: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (await updated(docker, name)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${name} did not finish its update within 120 s`);
}

/** abra said it converged: check it, so a fast wrong answer cannot win. */
async function assertUpdated(docker: DockerClient, name: string): Promise<void> {
  if (!(await updated(docker, name))) throw new Error(`abra reported ${name} upgraded, but it is not`);
}
