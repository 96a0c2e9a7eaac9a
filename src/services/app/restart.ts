import { UserError } from '../../errors.js';
import { type ServiceProgress, watchConvergence } from '../deploy/watch.js';
import type { Deps } from '../deps.js';
import { runOperation } from '../operation/run.js';
import { readStack, shortName } from '../stack/read.js';
import { resolveApp } from './resolve.js';

export interface RestartResult {
  app: string;
  services: string[];
  ok: boolean;
  progress: Record<string, ServiceProgress>;
}

/**
 * Restart services by forcing a rolling update (new tasks, same spec): unlike scaling to 0
 * and back, the service keeps serving when it has more than one replica or start-first order.
 */
export async function appRestart(
  opts: {
    app: string;
    service?: string | undefined;
    all: boolean;
    timeoutMs?: number;
    argv?: readonly string[];
  },
  deps: Pick<Deps, 'paths' | 'docker' | 'events' | 'env' | 'signals' | 'machineId' | 'argv' | 'clock'>,
): Promise<RestartResult> {
  const app = await resolveApp(opts.app, deps);
  if (!opts.service && !opts.all) {
    throw new UserError('Which service? Name one, or pass --all-services', {
      hint: `See the services with \`abra app services ${app.name}\`.`,
      code: 'usage',
    });
  }
  return runOperation(
    { kind: 'restart', app: app.name, server: app.server, argv: opts.argv },
    deps,
    async (op) => {
      const { services } = await readStack(app.docker, app.stack);
      if (services.length === 0) {
        throw new UserError(`${app.name} is not deployed on ${app.server}`, { code: 'app_not_deployed' });
      }
      const chosen = opts.all
        ? services
        : services.filter((s) => shortName(app.stack, s.Spec.Name) === opts.service);
      if (chosen.length === 0) {
        throw new UserError(`No service "${opts.service}" in ${app.name}`, {
          hint: `Services: ${services.map((s) => shortName(app.stack, s.Spec.Name)).join(', ')}.`,
          code: 'service_unknown',
        });
      }
      for (const s of chosen) {
        const spec = structuredClone(s.Spec);
        spec.TaskTemplate.ForceUpdate = (spec.TaskTemplate.ForceUpdate ?? 0) + 1;
        op.checkpoint();
        await app.docker.updateService(s.ID, s.Version.Index, spec);
        const name = shortName(app.stack, s.Spec.Name);
        op.changes.push(`restarted ${name}`);
        op.emit({ type: 'object', action: 'updated', kind: 'service', name });
      }
      const targets = chosen.map((s) => ({ id: s.ID, name: shortName(app.stack, s.Spec.Name) }));
      const timeoutMs = opts.timeoutMs ?? 300_000;
      op.emit({ type: 'waiting', services: targets.map((t) => t.name), timeoutS: timeoutMs / 1000 });
      const res = await watchConvergence(app.docker, targets, {
        deadline: Date.now() + timeoutMs,
        signal: op.signal,
        onProgress: (name, p) => op.emit({ type: 'progress', service: name, progress: p }),
      });
      op.checkpoint();
      if (!res.ok) {
        op.note.result = 'failed';
        op.note.message = 'did not become healthy again';
      }
      return { app: app.name, services: targets.map((t) => t.name), ok: res.ok, progress: res.progress };
    },
  );
}
