import { shortName } from '../../domain/stack/contract.js';
import { UserError } from '../../errors.js';
import type { Deps } from '../deps.js';
import { readStack } from '../stack/read.js';
import { resolveApp } from './resolve.js';

export interface AppLogsOptions {
  app: string;
  service?: string | undefined;
  follow: boolean;
  since?: string | undefined;
  tail?: string | undefined;
  stderrOnly: boolean;
  timestamps: boolean;
  signal?: AbortSignal;
}

export interface LogLine {
  service: string;
  stream: 'stdout' | 'stderr';
  line: string;
}

/** Logs of one service or all of them, interleaved as they arrive. */
export async function* appLogs(
  opts: AppLogsOptions,
  deps: Pick<Deps, 'paths' | 'docker'>,
): AsyncGenerator<LogLine> {
  const app = await resolveApp(opts.app, deps);
  const { services } = await readStack(app.docker, app.stack);
  if (services.length === 0) {
    throw new UserError(`${app.name} is not deployed on ${app.server}`, {
      hint: `Deploy it with \`abra app deploy ${app.name}\`.`,
      code: 'app_not_deployed',
    });
  }
  const chosen = opts.service
    ? services.filter((s) => shortName(app.stack, s.Spec.Name) === opts.service)
    : services;
  if (chosen.length === 0) {
    throw new UserError(`No service "${opts.service}" in ${app.name}`, {
      hint: `Services: ${services.map((s) => shortName(app.stack, s.Spec.Name)).join(', ')}.`,
      code: 'service_unknown',
    });
  }
  const queue: LogLine[] = [];
  let wake: (() => void) | undefined;
  let open = chosen.length;
  let failure: unknown;
  for (const s of chosen) {
    const name = shortName(app.stack, s.Spec.Name);
    void (async () => {
      try {
        for await (const l of app.docker.serviceLogs(s.ID, {
          follow: opts.follow,
          since: opts.since,
          tail: opts.tail,
          timestamps: opts.timestamps,
          stdout: !opts.stderrOnly,
          stderr: true,
          ...(opts.signal ? { signal: opts.signal } : {}),
        })) {
          queue.push({ service: name, ...l });
          wake?.();
        }
      } catch (err) {
        failure ??= err;
      } finally {
        open--;
        wake?.();
      }
    })();
  }
  for (;;) {
    while (queue.length > 0) yield queue.shift() as LogLine;
    if (failure) throw failure;
    if (open === 0) return;
    await new Promise<void>((r) => {
      wake = r;
    });
    wake = undefined;
  }
}
