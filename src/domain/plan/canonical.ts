/**
 * JSON with object keys sorted and empty values dropped, so two specs that mean the same
 * compare equal whatever the key order or `{}`/`[]`/absent spelling the engine chose.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(strip(value)) ?? 'null';
}

function strip(v: unknown): unknown {
  if (Array.isArray(v)) {
    const items = v.map(strip);
    return items.length ? items : undefined;
  }
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = strip((v as Record<string, unknown>)[k]);
      if (x !== undefined) out[k] = x;
    }
    return Object.keys(out).length ? out : undefined;
  }
  if (v === '' || v === null || v === false) return undefined;
  return v;
}
