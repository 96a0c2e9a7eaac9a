// `abra recipe test`: which steps a throw-away app goes through, which of them apply to this
// recipe (and why not), and how a failure turns the rest of the run into skips while the
// cleanup still runs. Pure: the service gathers the facts and runs the steps.

export type TestStepName =
  | 'new'
  | 'secrets'
  | 'images'
  | 'deploy'
  | 'backup'
  | 'restore'
  | 'upgrade'
  | 'rollback'
  | 'undeploy'
  | 'remove'
  | 'verify';

export type TestStepStatus = 'passed' | 'failed' | 'skipped';

export interface PlannedStep {
  name: TestStepName;
  /** What the step does, in words (shown in the table). */
  title: string;
  /** `cleanup` steps run even after a failure (unless --keep). */
  phase: 'test' | 'cleanup';
  /** Known before the run that the step does not apply: why. */
  skip?: string;
}

export interface TestFacts {
  recipe: string;
  /** The recipe's release tags, oldest first. */
  releases: readonly string[];
  chaos: boolean;
  keep: boolean;
}

export interface TestPlan {
  /** What the first deploy deploys: a tag, the working tree, or (undefined) HEAD of an unreleased recipe. */
  first: { version: string | undefined; chaos: boolean };
  upgradeTo: string | undefined;
  rollbackTo: string | undefined;
  steps: PlannedStep[];
}

export const KEEP_REASON = '--keep: the app is left for debugging';

/**
 * The steps, in order. With two releases or more, the previous release is deployed first so the
 * upgrade to the newest and the rollback to the previous one are tested; with one, the newest is
 * deployed and there is nothing to upgrade from; `--chaos` deploys the working tree only.
 */
export function planRecipeTest(facts: TestFacts): TestPlan {
  const n = facts.releases.length;
  const latest = facts.releases[n - 1];
  const previous = n >= 2 ? facts.releases[n - 2] : undefined;
  const moveSkip = facts.chaos
    ? '--chaos tests the working tree only'
    : n === 0
      ? 'the recipe has no releases'
      : n === 1
        ? `only one release (${latest}): nothing to upgrade from`
        : undefined;
  const first = facts.chaos
    ? { version: undefined, chaos: true }
    : { version: previous ?? latest, chaos: false };
  const what = facts.chaos
    ? 'the working tree'
    : previous !== undefined
      ? `${previous} (the previous release, to upgrade from)`
      : (latest ?? 'the current commit (no releases)');
  const keep = facts.keep ? KEEP_REASON : undefined;
  const step = (
    name: TestStepName,
    title: string,
    phase: PlannedStep['phase'],
    skip?: string | undefined,
  ): PlannedStep => ({ name, title, phase, ...(skip === undefined ? {} : { skip }) });
  return {
    first,
    upgradeTo: moveSkip ? undefined : latest,
    rollbackTo: moveSkip ? undefined : previous,
    steps: [
      step('new', `create the app from ${facts.recipe}'s .env.sample`, 'test'),
      step('secrets', 'generate its secrets', 'test'),
      step('images', 'check the images are on the server', 'test'),
      step('deploy', `deploy ${what} and wait until healthy`, 'test'),
      step('backup', 'back up its volumes', 'test'),
      step('restore', 'restore that backup', 'test'),
      step('upgrade', moveSkip ? 'upgrade' : `upgrade to ${latest}`, 'test', moveSkip),
      step('rollback', moveSkip ? 'roll back' : `roll back to ${previous}`, 'test', moveSkip),
      step('undeploy', 'undeploy', 'cleanup', keep),
      step('remove', 'remove volumes, secrets, configs and the env file', 'cleanup', keep),
      step('verify', 'check nothing of the app remains', 'cleanup', keep),
    ],
  };
}

/** Why a test step does not run once `failed` failed: the app is not in a state to test it. */
export function skippedAfter(failed: TestStepName): string {
  return `an earlier step failed (${failed})`;
}

/** Ctrl-C once: the test stops, the cleanup runs; twice: nothing more runs. */
export const INTERRUPTED = 'interrupted';
export const INTERRUPTED_TWICE = 'interrupted twice: the app is left as it is';

/** Backup and restore only apply to recipes whose services carry backupbot labels. */
export const NO_BACKUP_LABELS = 'the recipe has no backup labels';

/**
 * The throw-away app's domain: `<recipe>-test-<random>.<base>`, the recipe part cut so the
 * random part survives the stack name's 45 characters (two test runs never share a stack).
 */
export function testDomain(recipe: string, base: string, random: string): string {
  const label = recipe
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 20)
    .replace(/-+$/, '');
  return `${label || 'recipe'}-test-${random}.${base.toLowerCase()}`;
}

/** What is left of an app that should be gone, in words; empty when nothing is. */
export interface Leftovers {
  services: readonly string[];
  networks: readonly string[];
  volumes: readonly string[];
  secrets: readonly string[];
  configs: readonly string[];
  envFile: string | undefined;
}

export function describeLeftovers(left: Leftovers): string[] {
  return [
    ...left.services.map((s) => `service ${s}`),
    ...left.networks.map((s) => `network ${s}`),
    ...left.volumes.map((s) => `volume ${s}`),
    ...left.secrets.map((s) => `secret ${s}`),
    ...left.configs.map((s) => `config ${s}`),
    ...(left.envFile === undefined ? [] : [`env file ${left.envFile}`]),
  ];
}

/** The images a release needs that the server lacks and could not pull, as one reason. */
export function missingImagesReason(
  server: string,
  missing: readonly { image: string; pullError: string }[],
): string | undefined {
  if (missing.length === 0) return undefined;
  const names = missing.map((m) => m.image).join(', ');
  const why = [...new Set(missing.map((m) => m.pullError))].join('; ');
  return `image${missing.length > 1 ? 's' : ''} ${names} not present on ${server} and no registry reachable (${why})`;
}

/**
 * `--env KEY=VALUE` values set in the throw-away app's env before anything is deployed (e.g.
 * `COMPOSE_FILE=compose.yml:compose.host.yml` on a server without IPVS). A bad one: its reason.
 */
export function parseEnvOverrides(
  list: readonly string[],
): { ok: true; values: Record<string, string> } | { ok: false; reason: string } {
  const values: Record<string, string> = {};
  for (const item of list) {
    const i = item.indexOf('=');
    const key = i < 0 ? item : item.slice(0, i);
    if (i < 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
      return { ok: false, reason: `"${item}" is not KEY=VALUE with KEY a variable name` };
    const value = item.slice(i + 1);
    if (/[\n\r\0]/.test(value)) return { ok: false, reason: `the value of ${key} has a line break or NUL` };
    values[key] = value;
  }
  return { ok: true, values };
}
