// The ContainerSpec fields docker derives from a compose service by more than a rename.

import { parseGoDuration } from '../compose/go-duration.js';
import type { HealthCheck, ServiceConfig } from '../compose/types.js';
import { serviceError } from './fail.js';
import { compareGo } from './names.js';
import type { HealthConfig, Ulimit } from './spec.js';

/** Nanoseconds of a loaded Go duration (the loader has validated the text). */
export function nanos(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ns = parseGoDuration(text);
  return ns === undefined ? undefined : Number(ns);
}

/** `K=V` sorted bytewise; a key without a value (null) stays a bare `K`, unset in the task. */
export function swarmEnv(env: ServiceConfig['environment']): string[] | undefined {
  const out = Object.entries(env ?? {}).map(([k, v]) => (v === null ? k : `${k}=${v}`));
  return out.length ? out.sort(compareGo) : undefined;
}

/**
 * extra_hosts to SwarmKit's "IP host" lines, in order. docker's loader first rewrites each entry
 * to "host:ip" (splitting at the first "=", else the first ":", dropping an entry with neither,
 * and unbracketing "[::1]"); the converter then splits that at its first ":".
 */
export function swarmHosts(list: string[] | undefined): string[] | undefined {
  const out: string[] = [];
  for (const entry of list ?? []) {
    const sep = entry.includes('=') ? '=' : entry.includes(':') ? ':' : undefined;
    if (!sep) continue;
    const at = entry.indexOf(sep);
    let ip = entry.slice(at + 1);
    if (ip.length > 2 && ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
    const joined = `${entry.slice(0, at)}:${ip}`;
    const cut = joined.indexOf(':');
    out.push(`${joined.slice(cut + 1)} ${joined.slice(0, cut)}`);
  }
  return out.length ? out : undefined;
}

/** Go's unicode.ToUpper maps rune by rune; JS's full mapping would turn "ß" into "SS". */
function goUpper(s: string): string {
  return [...s]
    .map((ch) => {
      const up = ch.toUpperCase();
      return [...up].length === 1 ? up : ch;
    })
    .join('');
}

function capabilities(list: string[] | undefined): Set<string> {
  const out = new Set<string>();
  for (const c of list ?? []) {
    const n = goUpper(c.trim());
    out.add(n === 'ALL' || n === 'RESET' || n.startsWith('CAP_') ? n : `CAP_${n}`);
  }
  return out;
}

/**
 * docker's opts.EffectiveCapAddCapDrop: names upper-cased with a CAP_ prefix, ALL trumps the
 * rest of its list, a capability both added and dropped is only added, RESET is dropped, and
 * both lists come out sorted without duplicates.
 */
export function effectiveCapabilities(
  add: string[] | undefined,
  drop: string[] | undefined,
): { add: string[]; drop: string[] } {
  let a = capabilities(add);
  let d = capabilities(drop);
  if (a.has('ALL')) a = new Set(['ALL']);
  if (d.has('ALL')) d = new Set(['ALL']);
  return {
    add: [...a].filter((c) => c !== 'RESET').sort(compareGo),
    drop: [...d].filter((c) => !a.has(c) && c !== 'RESET').sort(compareGo),
  };
}

export function swarmUlimits(ulimits: ServiceConfig['ulimits']): Ulimit[] | undefined {
  const out = Object.entries(ulimits ?? {}).map(([Name, u]): Ulimit => {
    if (typeof u === 'number' && u !== 0) return { Name, Hard: u, Soft: u };
    const o = typeof u === 'number' ? {} : u;
    return { Name, Hard: o.hard ?? 0, Soft: o.soft ?? 0 };
  });
  return out.length ? out.sort((x, y) => compareGo(x.Name, y.Name)) : undefined;
}

export function swarmHealthcheck(service: string, hc: HealthCheck | undefined): HealthConfig | undefined {
  if (!hc) return undefined;
  if (hc.disable) {
    if (hc.test?.length)
      throw serviceError(service, "test and disable can't be set at the same time", 'healthcheck');
    return { Test: ['NONE'] };
  }
  const out: HealthConfig = {};
  if (hc.test?.length) out.Test = hc.test;
  const put = (k: 'Interval' | 'Timeout' | 'StartPeriod' | 'StartInterval', v: string | undefined) => {
    const ns = nanos(v);
    if (ns) out[k] = ns;
  };
  put('Interval', hc.interval);
  put('Timeout', hc.timeout);
  put('StartPeriod', hc.start_period);
  put('StartInterval', hc.start_interval);
  if (hc.retries) out.Retries = hc.retries;
  return out;
}
