import {
  type DesiredService,
  type DesiredStack,
  type ServiceSpec,
  storedServiceSpec,
} from '../swarm/index.js';
import { canonicalJson } from './canonical.js';

/** What the engine has for the stack now, reduced to what planning needs. */
export interface CurrentStack {
  services: { id: string; name: string; version: number; spec: ServiceSpec; forceUpdate: number }[];
  /** Network name -> ID, for every network on the engine (stack-local and external). */
  networks: Record<string, string>;
  secrets: Record<string, string>;
  configs: Record<string, string>;
}

export type ServiceAction =
  | { action: 'create'; key: string; name: string }
  | { action: 'update'; key: string; name: string; id: string; changes: string[] }
  | { action: 'unchanged'; key: string; name: string; id: string }
  /** Dropped from the recipe and removed because the deploy prunes (`--prune`). */
  | { action: 'remove'; name: string; id: string };

/**
 * What a deploy will do, by name only: it holds no secret or config data, so it can be shown,
 * logged, sent as JSON or streamed to a dashboard as it is.
 */
export interface Plan {
  /** Stack networks, secrets and configs to create (names; their specs stay in the DesiredStack). */
  networks: string[];
  secrets: string[];
  configs: string[];
  /** Stack secrets/configs that exist already (swarm objects are immutable: kept as they are). */
  keptSecrets: string[];
  keptConfigs: string[];
  missing: { networks: string[]; secrets: string[]; configs: string[] };
  services: ServiceAction[];
  /** Services the compose files no longer define, left running (as abra and docker do without --prune). */
  orphans: string[];
}

export interface PlanOptions {
  /** Redeploy every service even when nothing changed (new tasks). */
  force: boolean;
  /** Remove services the compose files no longer define, as `docker stack deploy --prune`. */
  prune?: boolean;
}

/**
 * Pure: compare what the recipe wants with what runs. A service counts as unchanged when the
 * spec the engine would store for the new one equals the stored spec, so a no-op deploy
 * touches nothing and converges at once.
 */
export function planRelease(desired: DesiredStack, current: CurrentStack, opts: PlanOptions): Plan {
  const have = (names: Record<string, string>, n: string) => Object.hasOwn(names, n);
  const plan: Plan = {
    networks: desired.networks.filter((n) => !have(current.networks, n.Name)).map((n) => n.Name),
    secrets: desired.secrets.filter((s) => !have(current.secrets, s.spec.Name)).map((s) => s.spec.Name),
    configs: desired.configs.filter((c) => !have(current.configs, c.spec.Name)).map((c) => c.spec.Name),
    keptSecrets: desired.secrets.filter((s) => have(current.secrets, s.spec.Name)).map((s) => s.spec.Name),
    keptConfigs: desired.configs.filter((c) => have(current.configs, c.spec.Name)).map((c) => c.spec.Name),
    missing: {
      networks: desired.externalNetworks.filter((n) => !have(current.networks, n)),
      secrets: desired.externalSecrets.filter((n) => !have(current.secrets, n)),
      configs: desired.externalConfigs.filter((n) => !have(current.configs, n)),
    },
    services: [],
    orphans: [],
  };
  const byName = new Map(current.services.map((s) => [s.name, s]));
  for (const svc of desired.services) {
    const name = svc.spec.Name;
    const existing = byName.get(name);
    if (!existing) {
      plan.services.push({ action: 'create', key: svc.key, name });
      continue;
    }
    const changes = specChanges(svc, existing, current);
    if (changes.length === 0 && !opts.force)
      plan.services.push({ action: 'unchanged', key: svc.key, name, id: existing.id });
    else
      plan.services.push({
        action: 'update',
        key: svc.key,
        name,
        id: existing.id,
        changes: changes.length ? changes : ['forced'],
      });
  }
  const wanted = new Set(desired.services.map((s) => s.spec.Name));
  const dropped = current.services.filter((s) => !wanted.has(s.name));
  if (opts.prune) for (const s of dropped) plan.services.push({ action: 'remove', name: s.name, id: s.id });
  else plan.orphans = dropped.map((s) => s.name);
  return plan;
}

/** The spec to send for `svc`, with engine IDs filled in from `ids` (unknown ones left empty). */
export function boundWith(svc: DesiredService, current: CurrentStack): ServiceSpec {
  const c = svc.spec.TaskTemplate.ContainerSpec;
  return {
    ...svc.spec,
    TaskTemplate: {
      ...svc.spec.TaskTemplate,
      ContainerSpec: {
        ...c,
        ...(c.Secrets
          ? { Secrets: c.Secrets.map((s) => ({ ...s, SecretID: current.secrets[s.SecretName] ?? '' })) }
          : {}),
        ...(c.Configs
          ? { Configs: c.Configs.map((r) => ({ ...r, ConfigID: current.configs[r.ConfigName] ?? '' })) }
          : {}),
      },
    },
  } as ServiceSpec;
}

/** Which parts of a service differ, in words a person can check ("image", "env", ...). */
export function specChanges(
  svc: DesiredService,
  existing: CurrentStack['services'][number],
  current: CurrentStack,
): string[] {
  const want = storedServiceSpec(boundWith(svc, current), { networkId: (n) => current.networks[n] });
  const wantTask = { ...want.TaskTemplate, ForceUpdate: existing.forceUpdate };
  const have = existing.spec;
  const a = { ...want, TaskTemplate: wantTask } as unknown as Record<string, unknown>;
  const b = have as unknown as Record<string, unknown>;
  const changes: string[] = [];
  const cmp = (label: string, x: unknown, y: unknown) => {
    if (canonicalJson(x) !== canonicalJson(y)) changes.push(label);
  };
  const ta = wantTask as unknown as Record<string, unknown>;
  const tb = (have.TaskTemplate ?? {}) as unknown as Record<string, unknown>;
  const ca = (ta.ContainerSpec ?? {}) as Record<string, unknown>;
  const cb = (tb.ContainerSpec ?? {}) as Record<string, unknown>;
  cmp('image', ca.Image, cb.Image);
  cmp('env', ca.Env, cb.Env);
  cmp('container labels', ca.Labels, cb.Labels);
  const restOfContainer = (o: Record<string, unknown>) => ({ ...o, Image: 0, Env: 0, Labels: 0 });
  cmp('container', restOfContainer(ca), restOfContainer(cb));
  const restOfTask = (o: Record<string, unknown>) => ({ ...o, ContainerSpec: 0 });
  cmp('task', restOfTask(ta), restOfTask(tb));
  cmp('labels', a.Labels, b.Labels);
  cmp('mode', a.Mode, b.Mode);
  cmp('update config', a.UpdateConfig, b.UpdateConfig);
  cmp('rollback config', a.RollbackConfig, b.RollbackConfig);
  cmp('endpoint', a.EndpointSpec, b.EndpointSpec);
  return changes;
}
