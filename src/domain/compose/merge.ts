import type { ComposeConfig, FileReference, ServiceConfig, ServicePort, ServiceVolume } from './types.js';

// Overlay merging as `docker stack config -c a -c b` does it (docker/cli merge.go on top of
// mergo with override + append-slice). The rules are surprising in places; each one here was
// checked against docker itself:
// - a later non-zero value wins; zero values (absent keys) never erase;
// - maps merge key by key (labels, environment, deploy.labels, sysctls, logging.options...);
//   environment entries only override with a non-empty value;
// - plain lists append (cap_add, dns, placement.constraints, even healthcheck.test);
// - ports merge keyed by published port, volumes by target, secrets/configs by source, and
//   come out sorted by that key; a list present only in the later file is taken as is;
// - command/entrypoint, ulimits entries, network aliases and logging (on driver change) are
//   replaced; replicas and other counters replace even with 0;
// - top-level networks/volumes/secrets/configs entries are replaced whole.

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Fields docker models as *uint64: an explicit 0 still overrides. */
const POINTER_COUNTS = new Set(['replicas', 'parallelism', 'retries', 'max_attempts']);

function isZero(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '' || v === '0s') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isObj(v)) return Object.values(v).every(isZero);
  return false;
}

function keyedMerge<T extends object>(base: T[], over: T[], key: (x: T) => string | number): T[] {
  const m = new Map<string | number, T>();
  for (const x of base) m.set(key(x), x);
  for (const x of over) m.set(key(x), x);
  return [...m.values()].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

/** Generic deep merge of struct-like objects (mergo with override and appended slices). */
function deepMerge(base: Obj, over: Obj, path: string[]): Obj {
  const out: Obj = { ...base };
  for (const [k, sv] of Object.entries(over)) {
    const dv = out[k];
    const here = [...path, k];
    const special = mergeSpecial(here, dv, sv);
    if (special.handled) {
      if (special.value === undefined) delete out[k];
      else out[k] = special.value;
      continue;
    }
    if (POINTER_COUNTS.has(k) && typeof sv === 'number') {
      out[k] = sv;
      continue;
    }
    if (Array.isArray(sv)) {
      out[k] = Array.isArray(dv) ? [...dv, ...sv] : sv;
      continue;
    }
    if (isObj(sv)) {
      out[k] = isObj(dv) ? deepMerge(dv, sv, here) : sv;
      continue;
    }
    if (!isZero(sv)) out[k] = sv;
  }
  return out;
}

function mergeSpecial(path: string[], dv: unknown, sv: unknown): { handled: boolean; value?: unknown } {
  const field = path.join('.');
  switch (field) {
    case 'command':
    case 'entrypoint':
      return { handled: true, value: Array.isArray(sv) && sv.length > 0 ? sv : dv };
    case 'ports':
      if (!Array.isArray(dv) || !Array.isArray(sv)) break;
      return {
        handled: true,
        value: keyedMerge(dv as ServicePort[], sv as ServicePort[], (p) => p.published ?? 0),
      };
    case 'volumes':
      if (!Array.isArray(dv) || !Array.isArray(sv)) break;
      return {
        handled: true,
        value: keyedMerge(dv as ServiceVolume[], sv as ServiceVolume[], (v) => v.target ?? ''),
      };
    case 'secrets':
    case 'configs':
      if (!Array.isArray(dv) || !Array.isArray(sv)) break;
      return {
        handled: true,
        value: keyedMerge(dv as FileReference[], sv as FileReference[], (r) => r.source ?? ''),
      };
    case 'environment': {
      if (!isObj(sv)) break;
      const out: Obj = { ...(isObj(dv) ? dv : {}) };
      for (const [k, v] of Object.entries(sv)) {
        if ((typeof v === 'string' && v !== '') || !(k in out) || out[k] === null) out[k] = v;
      }
      return { handled: true, value: out };
    }
    case 'labels':
    case 'deploy.labels':
    case 'sysctls':
      // Go maps of strings: every key of the later file wins, even an empty value.
      if (!isObj(sv)) break;
      return { handled: true, value: { ...(isObj(dv) ? dv : {}), ...sv } };
    case 'ulimits': {
      if (!isObj(sv)) break;
      const out: Obj = { ...(isObj(dv) ? dv : {}) };
      for (const [k, v] of Object.entries(sv)) if (!isZero(v)) out[k] = v;
      return { handled: true, value: out };
    }
    case 'networks': {
      if (!isObj(sv)) break;
      const out: Obj = { ...(isObj(dv) ? dv : {}) };
      for (const [k, v] of Object.entries(sv)) {
        const cur = out[k];
        if (!(k in out) || cur === null) out[k] = v;
        else if (isObj(v) && isObj(cur)) {
          const next: Obj = { ...cur };
          if (Array.isArray(v.aliases)) next.aliases = v.aliases;
          else delete next.aliases;
          if (v.ipv4_address) next.ipv4_address = v.ipv4_address;
          if (v.ipv6_address) next.ipv6_address = v.ipv6_address;
          out[k] = next;
        }
      }
      return { handled: true, value: out };
    }
    case 'logging': {
      if (!isObj(sv)) break;
      if (!isObj(dv)) return { handled: true, value: sv };
      const dd = dv.driver as string | undefined;
      const sd = sv.driver as string | undefined;
      if (dd === sd || !dd || !sd) {
        const options = {
          ...(isObj(dv.options) ? dv.options : {}),
          ...(isObj(sv.options) ? sv.options : {}),
        };
        return {
          handled: true,
          value: {
            ...(dd || sd ? { driver: dd || sd } : {}),
            ...(Object.keys(options).length ? { options } : {}),
          },
        };
      }
      return { handled: true, value: sv };
    }
  }
  return { handled: false };
}

export function mergeServices(base: ServiceConfig, over: ServiceConfig): ServiceConfig {
  // docker's keyed slice merge runs whenever both files define the service, so the base's
  // ports/volumes/secrets/configs get deduplicated and sorted even if the overlay has none.
  const normalized: Obj = { ...base };
  const sorters: [keyof ServiceConfig, (x: Obj) => string | number][] = [
    ['ports', (p) => (p.published as number | undefined) ?? 0],
    ['volumes', (v) => (v.target as string | undefined) ?? ''],
    ['secrets', (r) => (r.source as string | undefined) ?? ''],
    ['configs', (r) => (r.source as string | undefined) ?? ''],
  ];
  for (const [k, key] of sorters) {
    const list = normalized[k];
    if (Array.isArray(list)) normalized[k] = keyedMerge(list as Obj[], [], key);
  }
  return deepMerge(normalized, over as Obj, []) as ServiceConfig;
}

export function mergeConfigs(configs: ComposeConfig[]): ComposeConfig {
  const [first, ...rest] = configs;
  if (!first) throw new Error('mergeConfigs needs at least one config');
  let base: ComposeConfig = first;
  for (const over of rest) {
    const services: Record<string, ServiceConfig> = { ...base.services };
    for (const [name, svc] of Object.entries(over.services)) {
      const b = services[name];
      services[name] = b ? mergeServices(b, svc) : svc;
    }
    const next: ComposeConfig = { ...base, services };
    for (const section of ['networks', 'volumes', 'secrets', 'configs'] as const) {
      const merged = { ...(base[section] ?? {}), ...(over[section] ?? {}) };
      if (Object.keys(merged).length > 0) next[section] = merged;
    }
    base = next;
  }
  return base;
}
