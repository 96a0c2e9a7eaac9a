import type { ComposeFileRef, EnvSample } from './types.js';

export const BASE_COMPOSE = 'compose.yml';

/** `compose*.yml` at the recipe root: the files Go abra's lint globs. */
export function isRootComposeName(name: string): boolean {
  return /^compose.*\.yml$/.test(name);
}

/**
 * The COMPOSE_FILE lines of .env.sample, active and commented, as expanded by readEnvSample
 * (recipes append overlays with `COMPOSE_FILE="$COMPOSE_FILE:compose.x.yml"`).
 */
export function composeFileRefs(sample: EnvSample | undefined): ComposeFileRef[] {
  if (sample === undefined) return [];
  const active = sample.active.filter((k) => k.key === 'COMPOSE_FILE');
  const refs: ComposeFileRef[] = active.map((k) => ({
    line: k.line,
    active: true,
    files: splitFiles(k.value),
  }));
  for (const k of sample.commented) {
    if (k.key !== 'COMPOSE_FILE') continue;
    refs.push({ line: k.line, active: false, files: splitFiles(k.value) });
  }
  return refs.filter((r) => r.files.length > 0);
}

/** Split a COMPOSE_FILE value into relative paths; paths leaving the recipe are dropped. */
export function splitFiles(value: string): string[] {
  return value
    .split(':')
    .map((f) => f.trim().replace(/^(\.\/)+/, ''))
    .filter((f) => f !== '' && !f.startsWith('/') && !f.split('/').includes('..'));
}

/** Files named by COMPOSE_FILE lines that are not root compose*.yml (e.g. in a subdirectory). */
export function referencedComposeFiles(sample: EnvSample | undefined): string[] {
  const named = composeFileRefs(sample).flatMap((r) => r.files);
  return [...new Set(named)].filter((f) => f.includes('/') || !isRootComposeName(f));
}

/**
 * Which file combinations to load: compose.yml alone, every combination .env.sample names,
 * and compose.yml with each overlay no named combination covers. An overlay is never loaded
 * without the files a sample line says it goes with, so it does not look broken on its own.
 */
export function planVariants(available: readonly string[], refs: readonly ComposeFileRef[]): string[][] {
  const has = new Set(available);
  const plans: string[][] = [];
  const add = (files: string[]) => {
    const key = files.join(':');
    if (files.length > 0 && !plans.some((p) => p.join(':') === key)) plans.push(files);
  };
  if (has.has(BASE_COMPOSE)) add([BASE_COMPOSE]);
  for (const ref of refs) if (ref.files.every((f) => has.has(f))) add(ref.files);
  const covered = new Set(plans.flat());
  for (const f of available) {
    if (covered.has(f)) continue;
    add(has.has(BASE_COMPOSE) && f !== BASE_COMPOSE ? [BASE_COMPOSE, f] : [f]);
  }
  return plans;
}
