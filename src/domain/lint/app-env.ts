import type { EnvDocument } from '../env/document.js';
import type { EnvSample } from './types.js';

export interface KeyAt {
  key: string;
  /** Line in the file the key is read from (the sample for missing/optional, the app env for extra). */
  line: number;
}

export interface AppEnvCheck {
  /** Active in .env.sample, absent from the app env: the app lacks a setting it needs. */
  missing: KeyAt[];
  /** Only commented in .env.sample (`#KEY=`) and absent from the app env: an unused option. */
  optional: KeyAt[];
  /** In the app env, not in .env.sample at all (active or commented). */
  extra: KeyAt[];
}

// The recipe key was renamed TYPE -> RECIPE; either satisfies the other.
const RECIPE_KEYS = ['TYPE', 'RECIPE'];

/** Compare an app env file with the recipe's .env.sample, key by key. */
export function checkAppEnv(sample: EnvSample, app: EnvDocument): AppEnvCheck {
  const appEntries = app.entries();
  const appKeys = new Set(appEntries.map((e) => e.key));
  const hasKey = (key: string) =>
    appKeys.has(key) || (RECIPE_KEYS.includes(key) && RECIPE_KEYS.some((k) => appKeys.has(k)));
  const active = new Set(sample.active.map((k) => k.key));
  const declared = new Set([...active, ...sample.commented.map((k) => k.key)]);
  const isRecipeKey = (key: string) => RECIPE_KEYS.includes(key) && RECIPE_KEYS.some((k) => declared.has(k));
  return {
    missing: firstOf(sample.active.filter((k) => !hasKey(k.key))),
    optional: firstOf(sample.commented.filter((k) => !active.has(k.key) && !hasKey(k.key))),
    extra: firstOf(appEntries.filter((e) => !declared.has(e.key) && !isRecipeKey(e.key))),
  };
}

/** One row per key, at its first line. */
function firstOf(items: { key: string; line: number }[]): KeyAt[] {
  const seen = new Set<string>();
  const out: KeyAt[] = [];
  for (const { key, line } of items) {
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ key, line });
  }
  return out;
}
