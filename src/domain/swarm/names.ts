// How `docker stack deploy` names and labels what it creates (docker/cli convert.Namespace).

import { NAMESPACE_LABEL } from '../stack/contract.js';
import type { Labels } from './spec.js';

/** The object's own labels plus the namespace label, which always wins. */
export function withStackLabel(namespace: string, labels: Labels | undefined): Labels {
  return sortedRecord({ ...(labels ?? {}), [NAMESPACE_LABEL]: namespace });
}

/**
 * Networks the engine has on every node without creating them: they take no aliases and need
 * no existence check (docker's NetworkMode.IsUserDefined on Linux).
 */
export function isUserDefinedNetwork(name: string): boolean {
  return !['default', 'bridge', 'host', 'none'].includes(name) && !name.startsWith('container:');
}

/** Go compares strings bytewise (UTF-8), which is code point order, not UTF-16 unit order. */
export function compareGo(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const d = (x[i]?.codePointAt(0) ?? 0) - (y[i]?.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** Go's encoding/json writes map keys sorted; doing the same keeps specs byte-comparable. */
export function sortedRecord<T>(record: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(record).sort(compareGo)) out[k] = record[k] as T;
  return out;
}

/**
 * Drops keys whose value is undefined. Builders list every field in the Go struct's order and
 * leave out (undefined) what docker's `omitempty` would drop, so output keys follow the CLI's.
 */
export function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
