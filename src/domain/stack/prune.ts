// What `abra app undeploy --prune` may delete once an app's services are gone (pure).

import { belongsTo } from './contract.js';

/** The fields of a secret or config this reads (structurally a swarm object). */
export interface PrunableObject {
  ID: string;
  Spec: { Name: string; Labels?: Record<string, string> | null };
}

export interface PruneSelection<T> {
  remove: T[];
  /** Kept: the current env's secrets. */
  current: T[];
  /** Kept: still referenced by some service (of any stack). */
  inUse: T[];
}

/**
 * Secrets of old versions: labelled as the stack's, not one of the names the current env
 * selects (`keep`), and used by no service. Anything unlabelled is never considered.
 */
export function prunableSecrets<T extends PrunableObject>(
  stack: string,
  secrets: readonly T[],
  keep: ReadonlySet<string>,
  inUse: ReadonlySet<string>,
): PruneSelection<T> {
  const out: PruneSelection<T> = { remove: [], current: [], inUse: [] };
  for (const s of secrets) {
    if (!belongsTo(stack, s.Spec.Labels)) continue;
    if (keep.has(s.Spec.Name)) out.current.push(s);
    else if (inUse.has(s.ID)) out.inUse.push(s);
    else out.remove.push(s);
  }
  return out;
}

/** The stack's configs no service uses: a deploy recreates them from the recipe. */
export function prunableConfigs<T extends PrunableObject>(
  stack: string,
  configs: readonly T[],
  inUse: ReadonlySet<string>,
): PruneSelection<T> {
  const out: PruneSelection<T> = { remove: [], current: [], inUse: [] };
  for (const c of configs) {
    if (!belongsTo(stack, c.Spec.Labels)) continue;
    if (inUse.has(c.ID)) out.inUse.push(c);
    else out.remove.push(c);
  }
  return out;
}

/** IDs of the secrets and configs any of these services refers to. */
export function referencedIds(
  services: readonly {
    Spec: {
      TaskTemplate: {
        ContainerSpec?: {
          Secrets?: readonly { SecretID: string }[] | null;
          Configs?: readonly { ConfigID: string }[] | null;
        };
      };
    };
  }[],
): { secrets: Set<string>; configs: Set<string> } {
  const secrets = new Set<string>();
  const configs = new Set<string>();
  for (const s of services) {
    const c = s.Spec.TaskTemplate.ContainerSpec;
    for (const r of c?.Secrets ?? []) secrets.add(r.SecretID);
    for (const r of c?.Configs ?? []) configs.add(r.ConfigID);
  }
  return { secrets, configs };
}
