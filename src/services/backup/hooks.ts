import { Writable } from 'node:stream';
import type { EventSink } from '../../domain/events/types.js';
import { errorMessage, UserError } from '../../errors.js';
import { DockerApiError } from '../../infra/docker/client.js';
import { execInContainer } from '../app/exec.js';
import type { ResolvedApp } from '../app/resolve.js';
import { runningTask } from '../app/task.js';
import type { Deps } from '../deps.js';

export interface HookResult {
  service: string;
  hook: string;
  command: string;
  exitCode: number | undefined;
  error?: string;
}

/** Lines of a hook's output as log events (no buffering of the whole output). */
function lineSink(emit: EventSink, service: string): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      pending += chunk.toString('utf8');
      let nl = pending.indexOf('\n');
      while (nl >= 0) {
        emit({ type: 'log', service, line: pending.slice(0, nl) });
        pending = pending.slice(nl + 1);
        nl = pending.indexOf('\n');
      }
      cb();
    },
    final(cb) {
      if (pending) emit({ type: 'log', service, line: pending });
      cb();
    },
  });
}

/** A container that is restarting or not yet there: worth another try (abra's known 409). */
function retryable(err: unknown): boolean {
  if (err instanceof DockerApiError) return err.status === 409 || err.status === 404;
  return err instanceof UserError && err.code === 'no_running_task';
}

/**
 * Run a backupbot hook (`sh -c <command>`) in the service's running container, retrying while
 * the container is restarting. Never throws: the result says how it went.
 */
export async function runHook(
  app: ResolvedApp,
  service: string,
  hook: string,
  command: string,
  deps: Pick<Deps, 'clock'> & { emit: EventSink },
  attempts = 5,
): Promise<HookResult> {
  deps.emit({ type: 'info', message: `${service}: running ${hook} hook: ${command}` });
  let lastErr: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      const target = await runningTask(app, service);
      const out = lineSink(deps.emit, service);
      const exitCode = await execInContainer(
        target.docker,
        target.containerId,
        { cmd: ['/bin/sh', '-c', command], tty: false },
        { stdout: out, stderr: out },
      );
      await new Promise<void>((r) => out.end(r));
      return { service, hook, command, exitCode };
    } catch (err) {
      lastErr = err;
      if (!retryable(err) || i === attempts - 1) break;
      deps.emit({ type: 'debug', message: `${service}: ${hook} hook: ${errorMessage(err)}; retrying` });
      await deps.clock.sleep(1000 * (i + 1));
    }
  }
  return { service, hook, command, exitCode: undefined, error: errorMessage(lastErr) };
}

export function hookFailed(r: HookResult): boolean {
  return r.exitCode !== 0;
}
