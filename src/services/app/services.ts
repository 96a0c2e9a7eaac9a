import { shortName } from '../../domain/stack/contract.js';
import type { Deps } from '../deps.js';
import { readStack } from '../stack/read.js';
import { stripDigest } from './ps.js';
import { resolveApp } from './resolve.js';

export interface DeployedService {
  service: string;
  name: string;
  image: string;
  replicas: string;
  labels: Record<string, string>;
}

/** The deployed services of an app with their abra (`coop-cloud.*`) labels. */
export async function appServices(
  opts: { app: string },
  deps: Pick<Deps, 'paths' | 'docker'>,
): Promise<DeployedService[]> {
  const app = await resolveApp(opts.app, deps);
  const { services } = await readStack(app.docker, app.stack);
  return services.map((s) => ({
    service: shortName(app.stack, s.Spec.Name),
    name: s.Spec.Name,
    image: stripDigest(s.Spec.TaskTemplate.ContainerSpec.Image),
    replicas: `${s.ServiceStatus?.RunningTasks ?? '?'}/${s.ServiceStatus?.DesiredTasks ?? '?'}`,
    labels: Object.fromEntries(
      Object.entries(s.Spec.Labels ?? {}).filter(([k]) => k.startsWith('coop-cloud.')),
    ),
  }));
}
