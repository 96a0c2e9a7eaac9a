import type { ComposeConfig, ServiceConfig } from '../compose/types.js';
import { abraLabel, timeoutLabel, versionLabel } from '../stack/contract.js';

/** The service abra treats as the app's main one (lint R009). */
export const MAIN_SERVICE = 'app';

export interface AbraLabels {
  stack: string;
  recipe: string;
  /** The version deployed; in chaos mode the recipe's own version label is kept instead. */
  version: string | undefined;
  chaos: boolean;
  /** Commit deployed in chaos mode (with "+U" when the working tree had changes). */
  chaosVersion?: string | undefined;
}

/**
 * What abra adds before deploying: its labels on the main service (so `app ls`, upgrades and
 * Go abra can tell what runs) and every app env variable in that service's environment
 * (ExposeAllEnv), with RECIPE/TYPE carrying the deployed version.
 */
export function withAbraLabels(
  config: ComposeConfig,
  labels: AbraLabels,
  appEnv: Readonly<Record<string, string>>,
): ComposeConfig {
  const main = config.services[MAIN_SERVICE];
  if (!main) return config;
  const version = versionLabel(labels.stack);
  const deployLabels: Record<string, string> = { ...(main.deploy?.labels ?? {}) };
  if (!labels.chaos || deployLabels[version] === undefined) {
    if (labels.version !== undefined) deployLabels[version] = labels.version;
  }
  deployLabels[abraLabel(labels.stack, 'recipe')] = labels.recipe;
  deployLabels[abraLabel(labels.stack, 'chaos')] = String(labels.chaos);
  if (labels.chaos && labels.chaosVersion)
    deployLabels[abraLabel(labels.stack, 'chaos-version')] = labels.chaosVersion;
  const environment: Record<string, string | null> = { ...(main.environment ?? {}) };
  for (const [k, v] of Object.entries(appEnv)) if (!(k in environment)) environment[k] = v;
  const recipeKey = 'RECIPE' in appEnv ? 'RECIPE' : 'TYPE';
  environment[recipeKey] = labels.version ? `${labels.recipe}:${labels.version}` : labels.recipe;
  const service: ServiceConfig = {
    ...main,
    environment,
    deploy: { ...(main.deploy ?? {}), labels: deployLabels },
  };
  return { ...config, services: { ...config.services, [MAIN_SERVICE]: service } };
}

/** Seconds abra waits for convergence: the recipe's timeout label, else 300. */
export function convergenceTimeout(config: ComposeConfig, stack: string): number {
  for (const s of Object.values(config.services)) {
    const raw = s.deploy?.labels?.[timeoutLabel(stack)];
    const n = raw === undefined ? Number.NaN : Number(raw);
    if (Number.isFinite(n) && n > 0) return n;
  }
  return 300;
}
