import type { CurrentStack, Plan } from '../../domain/plan/plan.js';
import { bindServiceSpec, type DesiredStack } from '../../domain/swarm/index.js';
import type { DockerClient } from '../../infra/docker/client.js';
import type { ServiceSpec } from '../../infra/docker/swarm-types.js';
import type { Operation } from '../operation/run.js';
import { belongsTo, shortName } from '../stack/read.js';

/** What an apply changed, so a rollback can put exactly that back. */
export interface Applied {
  /** Services to watch converge. */
  targets: { id: string; name: string }[];
  created: { id: string; name: string }[];
  updated: { id: string; name: string; previous: ServiceSpec }[];
  removed: { id: string; name: string; previous: ServiceSpec }[];
  networks: string[];
}

export function emptyApplied(): Applied {
  return { targets: [], created: [], updated: [], removed: [], networks: [] };
}

/**
 * Make the engine match the plan: networks, secrets and configs first (each group created
 * concurrently: they do not depend on each other), then the services, concurrently. Every
 * write is preceded by the operation's checkpoint, so a lost lock or Ctrl-C stops the writes;
 * what was done is in `applied` (passed in, so a caller that catches a failure can roll back
 * exactly what happened).
 */
export async function applyPlan(
  docker: DockerClient,
  input: { desired: DesiredStack; plan: Plan; current: CurrentStack; stack: string },
  op: Pick<Operation, 'checkpoint' | 'emit' | 'changes'>,
  applied: Applied,
): Promise<Applied> {
  const { desired, plan, current, stack } = input;
  const record = (
    kind: 'service' | 'network' | 'secret' | 'config',
    action: 'created' | 'updated' | 'removed',
    name: string,
  ) => {
    op.changes.push(`${action} ${kind} ${name}`);
    op.emit({ type: 'object', action, kind, name });
  };
  await all(
    plan.networks.map(async (name) => {
      const spec = desired.networks.find((n) => n.Name === name);
      if (!spec) return;
      op.checkpoint();
      current.networks[name] = (await docker.createNetwork(spec)).Id;
      applied.networks.push(name);
      record('network', 'created', name);
    }),
  );
  await all([
    ...plan.secrets.map(async (name) => {
      const obj = desired.secrets.find((s) => s.spec.Name === name);
      if (!obj) return;
      op.checkpoint();
      current.secrets[name] = (await docker.createSecret(obj.spec)).ID;
      record('secret', 'created', name);
    }),
    ...plan.configs.map(async (name) => {
      const obj = desired.configs.find((c) => c.spec.Name === name);
      if (!obj) return;
      op.checkpoint();
      current.configs[name] = (await docker.createConfig(obj.spec)).ID;
      record('config', 'created', name);
    }),
  ]);
  const ids = { secret: (n: string) => current.secrets[n], config: (n: string) => current.configs[n] };
  await all(
    plan.services.map(async (step) => {
      if (step.action === 'unchanged') return;
      const short = shortName(stack, step.name);
      if (step.action === 'remove') {
        const live = await docker.inspectService(step.id);
        if (!belongsTo(stack, live.Spec.Labels)) return;
        op.checkpoint();
        await docker.removeService(step.id);
        applied.removed.push({ id: step.id, name: short, previous: live.Spec });
        record('service', 'removed', short);
        return;
      }
      const svc = desired.services.find((s) => s.spec.Name === step.name);
      if (!svc) return;
      const spec: ServiceSpec = bindServiceSpec(svc, ids);
      if (step.action === 'create') {
        op.checkpoint();
        const res = await docker.createService(spec);
        for (const w of res.Warnings ?? []) op.emit({ type: 'debug', message: `create ${short}: ${w}` });
        applied.created.push({ id: res.ID, name: short });
        applied.targets.push({ id: res.ID, name: short });
        record('service', 'created', short);
        return;
      }
      // Re-read right before updating: the version index guards against a concurrent change.
      const live = await docker.inspectService(step.id);
      if (!belongsTo(stack, live.Spec.Labels)) return;
      const next = {
        ...spec,
        TaskTemplate: {
          ...spec.TaskTemplate,
          ForceUpdate: (live.Spec.TaskTemplate.ForceUpdate ?? 0) + (step.changes.includes('forced') ? 1 : 0),
        },
      };
      op.checkpoint();
      await docker.updateService(step.id, live.Version.Index, next);
      applied.updated.push({ id: step.id, name: short, previous: live.Spec });
      applied.targets.push({ id: step.id, name: short });
      record('service', 'updated', short);
    }),
  );
  return applied;
}

/** Like Promise.all, but waits for every write to settle before failing: `applied` must be complete. */
async function all(tasks: Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(tasks);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
