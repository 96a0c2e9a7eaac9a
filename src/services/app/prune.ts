import { belongsTo } from '../../domain/stack/contract.js';
import { prunableConfigs, prunableSecrets, referencedIds } from '../../domain/stack/prune.js';
import { DockerApiError, type DockerClient } from '../../infra/docker/client.js';
import type { Operation } from '../operation/run.js';
import { loadAppSecrets, type SecretDeps } from '../secret/context.js';
import { byNamespace } from '../stack/read.js';

export interface AppPruneResult {
  secrets: string[];
  configs: string[];
  networks: string[];
  /** Secrets kept because the current env selects them. */
  keptSecrets: string[];
}

/**
 * The swarm names of the secrets the app's env selects now (read from the recipe version it
 * records, as deploy reads it): these are never pruned. Read before anything is changed, so a
 * recipe that cannot be read stops the undeploy instead of pruning blind.
 */
export async function currentSecretNames(app: string, deps: SecretDeps): Promise<Set<string>> {
  const ctx = await loadAppSecrets(app, deps);
  return new Set(ctx.specs.map((s) => s.remoteName));
}

/**
 * `app undeploy --prune`, after the stack is gone: the app's configs no service uses, its
 * secrets of old versions (labelled as the app's, not selected by the env, unused) and any
 * network of the stack left over. Volumes are never touched; each object is proven by label.
 */
export async function pruneAppLeftovers(
  docker: DockerClient,
  stack: string,
  keep: ReadonlySet<string>,
  op: Pick<Operation, 'checkpoint' | 'changes' | 'emit'>,
): Promise<AppPruneResult> {
  const [secrets, configs, networks, services] = await Promise.all([
    docker.secrets(byNamespace(stack)),
    docker.configs(byNamespace(stack)),
    docker.networks(byNamespace(stack)),
    // Every service of every stack: an object another stack refers to is in use.
    docker.services(),
  ]);
  const used = referencedIds(services);
  const secretPick = prunableSecrets(stack, secrets, keep, used.secrets);
  const configPick = prunableConfigs(stack, configs, used.configs);
  const result: AppPruneResult = {
    secrets: [],
    configs: [],
    networks: [],
    keptSecrets: secretPick.current.map((s) => s.Spec.Name).sort(),
  };
  const gone = (kind: 'secret' | 'config' | 'network', name: string) => {
    op.changes.push(`pruned ${kind} ${name}`);
    op.emit({ type: 'object', action: 'removed', kind, name });
  };
  for (const s of secretPick.remove) {
    op.checkpoint();
    if (await ignoreMissing(docker.removeSecret(s.ID))) gone('secret', s.Spec.Name);
    result.secrets.push(s.Spec.Name);
  }
  for (const c of configPick.remove) {
    op.checkpoint();
    if (await ignoreMissing(docker.removeConfig(c.ID))) gone('config', c.Spec.Name);
    result.configs.push(c.Spec.Name);
  }
  for (const n of networks) {
    if (!belongsTo(stack, n.Labels)) continue;
    op.checkpoint();
    if (await ignoreMissing(docker.removeNetwork(n.Id))) gone('network', n.Name);
    result.networks.push(n.Name);
  }
  for (const s of [...secretPick.inUse, ...configPick.inUse])
    op.emit({ type: 'info', message: `kept ${s.Spec.Name}: a service still uses it` });
  return result;
}

/** true when removed, false when it was already gone. */
async function ignoreMissing(p: Promise<void>): Promise<boolean> {
  try {
    await p;
    return true;
  } catch (err) {
    if (err instanceof DockerApiError && err.status === 404) return false;
    throw err;
  }
}
