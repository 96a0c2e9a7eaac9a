// What a deployed stack looks like through the Engine API, reduced to what a deploy decides,
// for comparing a stack `docker stack deploy` created with one `abra app deploy` created
// (test/e2e/deploy-corpus-oracle.test.ts).
//
// Normalisation, and only this:
//   - every object by its Spec: IDs, Version, CreatedAt/UpdatedAt, a service's Endpoint (VIPs,
//     allocated ports) and UpdateStatus are the engine's bookkeeping, different for any two
//     stacks;
//   - a service's network attachment targets are IDs: they become the networks' names;
//   - secret/config references lose SecretID/ConfigID (IDs; the name stays); a credential
//     spec's config ID becomes that config's name;
//   - references to one secret (config) mounted at several targets are put in target order:
//     docker's order among them is random (it walks a Go map);
//   - a network loses Id, Created and Containers, the vxlan id option and IPAM.Config: the
//     engine allocates those (no corpus recipe asks for a subnet);
//   - a secret has no Data (the API never returns it);
//   - the run's unique token, part of both the domain and the stack name, becomes "<app>".
// What abra adds on purpose is not normalised away but added to docker's side
// (withAbraAdditions), so a missing or extra addition fails the comparison.

import type { DockerClient } from '../../src/infra/docker/client.js';

export const NS_LABEL = 'com.docker.stack.namespace';

type Json = Record<string, unknown>;

export interface StackSnapshot {
  services: Json[];
  networks: Json[];
  secrets: Json[];
  configs: Json[];
}

const byName = <T>(xs: T[], name: (x: T) => string) =>
  [...xs].sort((a, b) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** Go's sort.Strings order (byte order; the corpus is ASCII). */
const goSorted = (xs: string[]) => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** Mounted refs sharing a name in target order; a runtime ref (no File) stays last. */
function tiesByTarget<T extends Json>(refs: T[] | undefined, name: string): T[] | undefined {
  if (!refs) return refs;
  const key = (r: T) => {
    const file = r.File as { Name: string } | undefined;
    return `${r[name] as string}\u0000${file ? `0${file.Name}` : '1'}`;
  };
  return byName(refs, key);
}

async function serviceSpecs(docker: DockerClient, stack: string): Promise<Json[]> {
  const services = await docker.services({ label: [`${NS_LABEL}=${stack}`] });
  const netNames = new Map<string, string>();
  const out: Json[] = [];
  for (const s of services) {
    const spec = clone(s.Spec) as unknown as Json;
    const task = spec.TaskTemplate as Json;
    const networks = (task.Networks ?? []) as { Target: string }[];
    for (const n of networks) {
      if (!netNames.has(n.Target)) {
        const nw = await docker.request<{ Name: string }>('GET', `/networks/${encodeURIComponent(n.Target)}`);
        netNames.set(n.Target, nw.Name);
      }
      n.Target = netNames.get(n.Target) as string;
    }
    const c = task.ContainerSpec as Json;
    const configRefs = (c.Configs ?? []) as Json[];
    const privileges = c.Privileges as { CredentialSpec?: Json | null } | undefined;
    const cred = privileges?.CredentialSpec;
    if (cred && typeof cred.Config === 'string')
      cred.Config = configRefs.find((r) => r.ConfigID === cred.Config)?.ConfigName ?? cred.Config;
    for (const r of (c.Secrets ?? []) as Json[]) delete r.SecretID;
    for (const r of configRefs) delete r.ConfigID;
    if (c.Secrets) c.Secrets = tiesByTarget(c.Secrets as Json[], 'SecretName');
    if (c.Configs) c.Configs = tiesByTarget(c.Configs as Json[], 'ConfigName');
    out.push(spec);
  }
  return byName(out, (s) => s.Name as string);
}

async function networkSpecs(docker: DockerClient, stack: string): Promise<Json[]> {
  const nets = await docker.networks({ label: [`${NS_LABEL}=${stack}`] });
  return byName(
    nets.map((n) => {
      const {
        Id: _id,
        Created: _created,
        Containers: _containers,
        ...rest
      } = clone(n) as unknown as Json & { Options?: Record<string, string>; IPAM?: Json };
      const options = { ...(rest.Options ?? {}) };
      delete options['com.docker.network.driver.overlay.vxlanid_list'];
      const ipam = { ...(rest.IPAM ?? {}) };
      delete ipam.Config;
      return { ...rest, Options: options, IPAM: ipam } as Json;
    }),
    (n) => n.Name as string,
  );
}

/** The stack's services, networks, secrets and configs (by the namespace label). */
export async function readStackSnapshot(docker: DockerClient, stack: string): Promise<StackSnapshot> {
  const filters = { label: [`${NS_LABEL}=${stack}`] };
  const [services, networks, secrets, configs] = await Promise.all([
    serviceSpecs(docker, stack),
    networkSpecs(docker, stack),
    docker.secrets(filters),
    docker.configs(filters),
  ]);
  return {
    services,
    networks,
    secrets: byName(
      secrets.map((s) => clone(s.Spec) as unknown as Json),
      (s) => s.Name as string,
    ),
    configs: byName(
      configs.map((s) => clone(s.Spec) as unknown as Json),
      (s) => s.Name as string,
    ),
  };
}

/** Every occurrence of the run's token (in names, domains, labels, env values) as "<app>". */
export function withPlaceholder(snapshot: StackSnapshot, token: string): StackSnapshot {
  return JSON.parse(JSON.stringify(snapshot).replaceAll(token, '<app>')) as StackSnapshot;
}

export interface AbraAdditions {
  stack: string;
  recipe: string;
  /** The release tag deployed. */
  version: string;
  /** The app env file's values, as abra reads them. */
  appEnv: Readonly<Record<string, string>>;
}

/**
 * What `abra app deploy` deliberately adds to what docker would create, applied to a docker
 * snapshot: on the `app` service, the labels coop-cloud.<stack>.version (the tag, replacing
 * a recipe's own), .recipe and .chaos=false, and ExposeAllEnv: every app env variable the
 * service does not already set (a bare `KEY` counts as set), with RECIPE (else TYPE) carrying
 * `<recipe>:<version>`; the env list stays in docker's sorted order.
 */
export function withAbraAdditions(snapshot: StackSnapshot, add: AbraAdditions): StackSnapshot {
  const out = clone(snapshot);
  const app = out.services.find((s) => s.Name === `${add.stack}_app`);
  if (!app) return out;
  const prefix = `coop-cloud.${add.stack}`;
  app.Labels = {
    ...((app.Labels ?? {}) as Record<string, string>),
    [`${prefix}.version`]: add.version,
    [`${prefix}.recipe`]: add.recipe,
    [`${prefix}.chaos`]: 'false',
  };
  const c = (app.TaskTemplate as Json).ContainerSpec as Json;
  const env = new Map<string, string>();
  for (const e of (c.Env ?? []) as string[]) {
    const i = e.indexOf('=');
    env.set(i < 0 ? e : e.slice(0, i), e);
  }
  for (const [k, v] of Object.entries(add.appEnv)) if (!env.has(k)) env.set(k, `${k}=${v}`);
  const recipeKey = 'RECIPE' in add.appEnv ? 'RECIPE' : 'TYPE';
  env.set(recipeKey, `${recipeKey}=${add.recipe}:${add.version}`);
  c.Env = goSorted([...env.values()]);
  return out;
}

/** The keys where two snapshots differ, for a readable failure (deepEqual shows the rest). */
export function differences(a: unknown, b: unknown, path = ''): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) =>
      differences((a as Json)[k], (b as Json)[k], Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`),
    );
  }
  return [`${path}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`];
}
