// What `app ls --status` says about each app, derived from one answer per server: the list of
// every stack service (`GET /services?filters={"label":["com.docker.stack.namespace"]}&status=true`).
// Per-app queries would make the cost grow with the number of apps; this grows with servers.

import { type AbraLabelKey, abraLabel, NAMESPACE_LABEL } from '../stack/contract.js';
import { compareVersions } from '../version/compare.js';
import { parseVersion, type RecipeVersion } from '../version/parse.js';

/** The part of an Engine API service this needs (structural, so tests can write it by hand). */
export interface ServiceView {
  Spec: { Name: string; Labels?: Record<string, string> | null };
  ServiceStatus?: { RunningTasks: number; DesiredTasks: number } | null;
}

/** abra's labels live on the main service, `<stack>_app`. */
const MAIN_SERVICE_SUFFIX = '_app';

/** One deployed stack, folded from its services. */
export interface StackSummary {
  stack: string;
  services: number;
  running: number;
  desired: number;
  /** `coop-cloud.<stack>.version`, when some service carries it. */
  version?: string;
  /** `coop-cloud.<stack>.chaos` as written ("true"/"false"). */
  chaos?: string;
  chaosVersion?: string;
  /** `coop-cloud.<stack>.recipe`: which recipe the app was deployed from. */
  recipe?: string;
}

export type DeployState = 'deployed' | 'undeployed' | 'unknown';

export interface DerivedStatus {
  status: DeployState;
  /** Deployed apps: the version label, "unknown" when the stack has none. */
  version?: string;
  chaos?: string;
  chaosVersion?: string;
  /** Newest release above the deployed version, or "latest"; absent when it cannot be told. */
  upgrade?: string;
  services?: number;
  running?: number;
  desired?: number;
  /** Why the status is unknown. */
  reason?: string;
}

/**
 * Group services by their namespace label. Labels are read from the main service first: a
 * recipe may copy `coop-cloud.*` labels elsewhere, but abra writes them on `app`.
 */
export function summariseStacks(services: readonly ServiceView[]): Map<string, StackSummary> {
  const byStack = new Map<string, ServiceView[]>();
  for (const s of services) {
    const stack = s.Spec.Labels?.[NAMESPACE_LABEL];
    if (!stack) continue;
    const list = byStack.get(stack) ?? [];
    list.push(s);
    byStack.set(stack, list);
  }
  const out = new Map<string, StackSummary>();
  for (const [stack, list] of byStack) {
    const main = `${stack}${MAIN_SERVICE_SUFFIX}`;
    const ordered = [...list].sort(
      (a, b) =>
        Number(b.Spec.Name === main) - Number(a.Spec.Name === main) || compareText(a.Spec.Name, b.Spec.Name),
    );
    const label = (key: AbraLabelKey): string | undefined => {
      for (const s of ordered) {
        const v = s.Spec.Labels?.[abraLabel(stack, key)];
        if (v !== undefined && v !== '') return v;
      }
      return undefined;
    };
    const summary: StackSummary = {
      stack,
      services: list.length,
      running: list.reduce((n, s) => n + (s.ServiceStatus?.RunningTasks ?? 0), 0),
      desired: list.reduce((n, s) => n + (s.ServiceStatus?.DesiredTasks ?? 0), 0),
    };
    const version = label('version');
    const chaos = label('chaos');
    const chaosVersion = label('chaos-version');
    const recipe = label('recipe');
    if (version !== undefined) summary.version = version;
    if (recipe !== undefined) summary.recipe = recipe;
    if (chaos !== undefined) summary.chaos = chaos;
    if (chaosVersion !== undefined) summary.chaosVersion = chaosVersion;
    out.set(stack, summary);
  }
  return out;
}

/** What a server told us, or why it told us nothing. */
export type ServerAnswer = { ok: true; stacks: Map<string, StackSummary> } | { ok: false; reason: string };

/**
 * One app's status. `releases` are the local recipe clone's tags (undefined when the recipe is
 * not cloned, so no upgrade can be offered).
 */
export function deriveStatus(
  stack: string,
  answer: ServerAnswer,
  releases: readonly string[] | undefined,
): DerivedStatus {
  if (!answer.ok) return { status: 'unknown', reason: answer.reason };
  const found = answer.stacks.get(stack);
  if (!found) return { status: 'undeployed' };
  const chaos = found.chaos ?? 'false';
  const out: DerivedStatus = {
    status: 'deployed',
    version: found.version ?? 'unknown',
    chaos,
    chaosVersion: found.chaosVersion ?? 'unknown',
    services: found.services,
    running: found.running,
    desired: found.desired,
  };
  // A chaos deploy runs a commit, not a release: there is nothing to compare with.
  if (chaos !== 'true' && found.version !== undefined && releases !== undefined) {
    const upgrade = upgradeFor(found.version, releases);
    if (upgrade !== undefined) out.upgrade = upgrade;
  }
  return out;
}

/**
 * The newest release tag above `deployed`, "latest" when there is none, undefined when the
 * deployed version is not a version (a commit, a hand-written label). Pre-releases are not
 * offered: abra deploys them only when named.
 */
export function upgradeFor(deployed: string, tags: readonly string[]): string | undefined {
  const current = parseVersion(deployed);
  if (!current.ok) return undefined;
  let best: RecipeVersion | undefined;
  for (const tag of tags) {
    const r = parseVersion(tag);
    if (!r.ok || r.version.prerelease.length > 0) continue;
    // `v1.0.0+1` is not newer than `1.0.0+1`: only the version decides, not how it is written.
    if (compareVersions({ ...r.version, raw: '' }, { ...current.version, raw: '' }) <= 0) continue;
    if (best === undefined || compareVersions(r.version, best) > 0) best = r.version;
  }
  return best?.raw ?? 'latest';
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A chaos deploy's commit: the label is `<commit>` or `<commit>+U` (uncommitted changes). */
export function chaosCommit(
  chaosVersion: string | undefined,
): { commit: string; dirty: boolean } | undefined {
  if (chaosVersion === undefined || chaosVersion === '' || chaosVersion === 'unknown') return undefined;
  const dirty = chaosVersion.endsWith('+U');
  return { commit: dirty ? chaosVersion.slice(0, -2) : chaosVersion, dirty };
}

/** "1.2.0+6.1", or "1.2.0+6.1 (chaos a1b2c3d4+dirty)" for a chaos deploy. */
export function describeDeployed(s: Pick<DerivedStatus, 'version' | 'chaos' | 'chaosVersion'>): string {
  const version = s.version ?? 'unknown';
  if (s.chaos !== 'true') return version;
  const c = chaosCommit(s.chaosVersion);
  return `${version} (chaos ${c ? `${c.commit}${c.dirty ? '+dirty' : ''}` : 'unknown'})`;
}

/** A newer release exists ("latest" and an unknown upgrade are not upgrades). */
export function hasUpgrade(s: Pick<DerivedStatus, 'upgrade'> | undefined): boolean {
  return s?.upgrade !== undefined && s.upgrade !== 'latest';
}
