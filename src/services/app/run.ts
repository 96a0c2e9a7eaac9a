import { UserError } from '../../errors.js';
import type { Deps } from '../deps.js';
import { runOperation } from '../operation/run.js';
import { type ExecStdio, execInContainer } from './exec.js';
import { resolveApp } from './resolve.js';
import { runningTask } from './task.js';

export interface AppRunOptions {
  app: string;
  service: string;
  cmd: string[];
  user?: string | undefined;
  /** `K=V`, or `K` to pass the operator's own value of K. */
  env: string[];
  tty: boolean;
  stdio: ExecStdio;
}

export interface AppRunResult {
  app: string;
  service: string;
  task: string;
  exitCode: number;
}

/**
 * Run a command in the container of a service's running task, like `docker exec`. Takes no
 * app lock (it is interactive and may run for hours, and a lock would block every deploy
 * meanwhile) but is audited once the command ran, with its exit code: a shell in a container
 * can change the app, so its history should say someone was there.
 */
export async function appRun(
  opts: AppRunOptions,
  deps: Pick<Deps, 'paths' | 'docker' | 'events' | 'env' | 'argv' | 'signals' | 'machineId' | 'clock'>,
): Promise<AppRunResult> {
  if (opts.cmd.length === 0)
    throw new UserError('No command to run', {
      hint: `Name one after the service, e.g. \`abra app run ${opts.app} ${opts.service} -- sh\`.`,
      code: 'usage',
    });
  const env = opts.env.map((e) => execEnvEntry(e, deps.env));
  const app = await resolveApp(opts.app, deps);
  const target = await runningTask(app, opts.service);
  deps.events({
    type: 'debug',
    message: `exec in task ${target.task.ID.slice(0, 12)} (container ${target.containerId.slice(0, 12)}) on node ${target.nodeId}`,
  });
  // Audited, not locked: see the comment above.
  const exitCode = await runOperation(
    { kind: 'run', app: app.name, server: app.server, lock: false, catchSignals: false },
    deps,
    async (op) => {
      const code = await execInContainer(
        target.docker,
        target.containerId,
        { cmd: opts.cmd, env, user: opts.user, tty: opts.tty },
        opts.stdio,
      );
      op.note.message = `ran in ${opts.service} (task ${target.task.ID.slice(0, 12)}): exit code ${code}`;
      if (code !== 0) op.note.result = 'failed';
      return code;
    },
  );
  return { app: app.name, service: opts.service, task: target.task.ID, exitCode };
}

/** `K=V` as given; a bare `K` takes the operator's value, as `docker exec -e K` does. */
export function execEnvEntry(entry: string, env: NodeJS.ProcessEnv): string {
  const eq = entry.indexOf('=');
  const key = eq < 0 ? entry : entry.slice(0, eq);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
    throw new UserError(`--env ${entry} is not NAME=value`, {
      hint: 'Write --env NAME=value (or --env NAME to pass your own value of NAME).',
      code: 'usage',
    });
  if (eq >= 0) return entry;
  const value = env[key];
  if (value === undefined)
    throw new UserError(`--env ${key} names a variable that is not set here`, {
      hint: `Give a value: --env ${key}=value.`,
      code: 'usage',
    });
  return `${key}=${value}`;
}
