import { canonicalJson } from '../../domain/plan/canonical.js';
import type { DockerClient } from '../../infra/docker/client.js';
import type { Io } from '../../ui/io.js';
import { removeStack } from '../app/undeploy.js';
import { belongsTo } from '../stack/read.js';
import type { Applied } from './deploy.js';
import { watchConvergence } from './watch.js';

/**
 * Undo a failed deploy: services it updated get their previous spec back (unless swarm's own
 * failure_action already did that), services it created are removed; a failed first deploy
 * is undeployed entirely. Volumes and secrets are never touched.
 */
export async function rollBack(
  docker: DockerClient,
  stack: string,
  applied: Applied,
  opts: { fresh: boolean; app: string; server: string; io: Pick<Io, 'err' | 'warn' | 'debug'> },
): Promise<void> {
  if (opts.fresh) {
    await removeStack(docker, stack, {
      app: opts.app,
      server: opts.server,
      timeoutMs: 120_000,
      debug: opts.io.debug,
    });
    return;
  }
  for (const c of applied.created) {
    await docker
      .removeService(c.id)
      .catch((err: unknown) => opts.io.warn(`could not remove ${c.name}: ${(err as Error).message}`));
  }
  const targets: { id: string; name: string }[] = [];
  for (const u of applied.updated) {
    const live = await docker.inspectService(u.id);
    if (!belongsTo(stack, live.Spec.Labels)) continue;
    const same =
      canonicalJson({ ...live.Spec, TaskTemplate: { ...live.Spec.TaskTemplate, ForceUpdate: 0 } }) ===
      canonicalJson({ ...u.previous, TaskTemplate: { ...u.previous.TaskTemplate, ForceUpdate: 0 } });
    if (same) {
      opts.io.debug(`${u.name}: swarm already rolled back`);
    } else {
      await docker.updateService(u.id, live.Version.Index, u.previous);
    }
    targets.push({ id: u.id, name: u.name });
  }
  if (targets.length === 0) return;
  const res = await watchConvergence(docker, targets, {
    deadline: Date.now() + 120_000,
    rollingBack: true,
    onProgress: (name, p) => opts.io.err(`  ${name} (rollback): ${p.state}`),
  });
  if (!res.ok) opts.io.warn('The rollback itself has not converged yet; check `abra app ps`.');
}
