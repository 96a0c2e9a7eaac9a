import { belongsTo, NAMESPACE_LABEL } from '../../domain/stack/contract.js';
import type { DockerClient } from '../../infra/docker/client.js';
import type { Network, Service, SwarmObject, Task, Volume } from '../../infra/docker/swarm-types.js';

// Re-exported for the deploy/app services that import them from here (being reworked); new
// code imports the contract directly.
export { belongsTo, shortName } from '../../domain/stack/contract.js';

export interface StackObjects {
  services: Service[];
  networks: Network[];
}

export const byNamespace = (stack: string) => ({ label: [`${NAMESPACE_LABEL}=${stack}`] });

/** Services and networks of one stack: two filtered API calls. */
export async function readStack(docker: DockerClient, stack: string): Promise<StackObjects> {
  const [services, networks] = await Promise.all([
    docker.services(byNamespace(stack), true),
    docker.networks(byNamespace(stack)),
  ]);
  return {
    services: services
      .filter((s) => belongsTo(stack, s.Spec.Labels))
      .sort((a, b) => a.Spec.Name.localeCompare(b.Spec.Name)),
    networks: networks.filter((n) => belongsTo(stack, n.Labels)),
  };
}

export async function stackTasks(docker: DockerClient, stack: string): Promise<Task[]> {
  return docker.tasks(byNamespace(stack));
}

export interface StackData {
  volumes: Volume[];
  secrets: SwarmObject[];
  configs: SwarmObject[];
}

/** What outlives an undeploy: volumes, secrets and configs carrying the stack's label. */
export async function readStackData(docker: DockerClient, stack: string): Promise<StackData> {
  const [volumes, secrets, configs] = await Promise.all([
    docker.volumes(byNamespace(stack)),
    docker.secrets(byNamespace(stack)),
    docker.configs(byNamespace(stack)),
  ]);
  return {
    volumes: volumes.filter((v) => belongsTo(stack, v.Labels)),
    secrets: secrets.filter((s) => belongsTo(stack, s.Spec.Labels)),
    configs: configs.filter((c) => belongsTo(stack, c.Spec.Labels)),
  };
}

/** Replica count a replicated service asks for (1 when unset); undefined for global services. */
export function replicasOf(service: Service): number | undefined {
  const mode = service.Spec.Mode;
  return 'Replicated' in mode ? (mode.Replicated.Replicas ?? 1) : undefined;
}
