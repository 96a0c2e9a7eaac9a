import { parseEnv } from '../env/document.js';
import type { EnvSample, SampleKey } from './types.js';

// Optional settings are shipped commented out (`#SMTP_HOST=`, `# COMPOSE_FILE="..."`), so a
// comment line that reads as an assignment names a key. Prose rarely matches: the key must
// follow the `#` directly (spaces allowed) and touch its `=`.
const COMMENTED = /^\s*#+\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)=(.*)$/;

/** Read a .env.sample; throws the env parser's UserError (with file:line) when it is invalid. */
export function readEnvSample(text: string, file: string): EnvSample {
  const doc = parseEnv(text, file);
  const values = doc.values();
  const active: SampleKey[] = doc
    .entries()
    .map((e) => withModifiers({ key: e.key, line: e.line, value: values[e.key] ?? '' }, e.modifiers));
  const commented: SampleKey[] = [];
  text.split('\n').forEach((line, i) => {
    const m = COMMENTED.exec(line.replace(/\r$/, ''));
    if (m === null) return;
    const key = m[1]!;
    commented.push(
      withModifiers(
        { key, line: i + 1, value: commentedValue(key, m[2]!, values) },
        commentedModifiers(key, m[2]!),
      ),
    );
  });
  return { file, active, commented, text };
}

function withModifiers(k: SampleKey, modifiers: Readonly<Record<string, string>>): SampleKey {
  return Object.keys(modifiers).length > 0 ? { ...k, modifiers } : k;
}

/** `#SECRET_X_VERSION=v1 # length=8`: the modifiers the line would have once uncommented. */
function commentedModifiers(key: string, raw: string): Readonly<Record<string, string>> {
  try {
    return parseEnv(`${key}=${raw}`, '<commented line>').entries()[0]?.modifiers ?? {};
  } catch {
    return {};
  }
}

/** The value a commented line would have once uncommented; '' when it does not parse alone. */
function commentedValue(key: string, raw: string, active: Record<string, string>): string {
  // An unset COMPOSE_FILE means compose.yml, so `#COMPOSE_FILE="$COMPOSE_FILE:x.yml"` adds to it.
  const outside = { COMPOSE_FILE: 'compose.yml', ...active };
  try {
    return parseEnv(`${key}=${raw}`, '<commented line>').values(outside)[key] ?? '';
  } catch {
    // Multi-line values (a quoted value continued on the next comment line) land here.
    return '';
  }
}

/** Values for interpolation: commented (optional) values fill keys the active lines lack. */
export function sampleValues(sample: EnvSample): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of sample.commented) if (!(k.key in out) && k.key !== 'COMPOSE_FILE') out[k.key] = k.value;
  for (const k of sample.active) out[k.key] = k.value;
  return out;
}

/** Keys set on an active line. */
export function activeKeys(sample: EnvSample): Set<string> {
  return new Set(sample.active.map((k) => k.key));
}

/** Keys set on an active or commented line. */
export function declaredKeys(sample: EnvSample): Set<string> {
  return new Set([...sample.active, ...sample.commented].map((k) => k.key));
}
