import { UserError } from '../../errors.js';
import { type ServiceProgress, watchConvergence } from '../deploy/watch.js';
import type { Deps } from '../deps.js';
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
  opts: { app: string; service?: string | undefined; all: boolean; timeoutMs?: number },
  deps: Pick<Deps, 'paths' | 'docker' | 'io'>,
): Promise<RestartResult> {
  const app = await resolveApp(opts.app, deps);
  const { services } = await readStack(app.docker, app.stack);
  if (services.length === 0) {
    throw new UserError(`${app.name} is not deployed on ${app.server}`, { code: 'app_not_deployed' });
  }
  if (!opts.service && !opts.all) {
    throw new UserError('Which service? Name one, or pass --all-services', {
      hint: `Services: ${services.map((s) => shortName(app.stack, s.Spec.Name)).join(', ')}.`,
      code: 'usage',
    });
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
    await app.docker.updateService(s.ID, s.Version.Index, spec);
  }
  const targets = chosen.map((s) => ({ id: s.ID, name: shortName(app.stack, s.Spec.Name) }));
  const res = await watchConvergence(app.docker, targets, {
    deadline: Date.now() + (opts.timeoutMs ?? 300_000),
    onProgress: (name, p) =>
      deps.io.err(
        `  ${name}: ${p.state}${p.state === 'pending' ? ` (${p.running}/${p.desired}, ${p.detail})` : ''}`,
      ),
  });
  return { app: app.name, services: targets.map((t) => t.name), ok: res.ok, progress: res.progress };
}
