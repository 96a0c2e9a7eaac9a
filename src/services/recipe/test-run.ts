import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import {
  describeLeftovers,
  INTERRUPTED,
  INTERRUPTED_TWICE,
  missingImagesReason,
  NO_BACKUP_LABELS,
  type PlannedStep,
  parseEnvOverrides,
  planRecipeTest,
  skippedAfter,
  type TestPlan,
  type TestStepName,
  type TestStepStatus,
  testDomain,
} from '../../domain/recipe-test/plan.js';
import { NAMESPACE_LABEL, stackNameOf } from '../../domain/stack/contract.js';
import { Cancelled, errorMessage, isExpectedError, UserError } from '../../errors.js';
import { readEnvFile, writeEnvFile } from '../../infra/store/env-files.js';
import { childPath } from '../../infra/store/safe-path.js';
import { appNew } from '../app/new.js';
import { APP_ENV_NAME } from '../app/new-env.js';
import { appRemove } from '../app/remove.js';
import { resolveApp } from '../app/resolve.js';
import { appUndeploy } from '../app/undeploy.js';
import { readBackupConfig } from '../backup/config.js';
import { appBackupCreate } from '../backup/create.js';
import { appRestore } from '../backup/restore.js';
import { appDeploy } from '../deploy/deploy.js';
import type { Deps } from '../deps.js';
import { interruptible } from '../operation/signals.js';
import { loadRelease } from '../release/load.js';
import { recipeClone, resolveRelease } from '../release/resolve.js';
import { appMove } from '../release/upgrade.js';
import { secretGenerate } from '../secret/generate.js';
import { readStack, readStackData } from '../stack/read.js';
import { versionTags } from './tags.js';

export interface RecipeTestOptions {
  recipe: string;
  server: string;
  /** The base domain the app's domain ends in (default: the server's name). */
  domain?: string | undefined;
  chaos: boolean;
  /** Leave the app as it is at the end (no undeploy, no remove) for debugging. */
  keep: boolean;
  /** `--env KEY=VALUE`: set in the app env before anything is deployed. */
  env: readonly string[];
}

export interface TestStepReport {
  name: TestStepName;
  title: string;
  status: TestStepStatus;
  durationMs: number;
  detail?: string;
}

export interface RecipeTestResult {
  recipe: string;
  server: string;
  app: string;
  ok: boolean;
  /** The first step that failed. */
  failed: TestStepName | undefined;
  steps: TestStepReport[];
  /** With --keep: the app is left on the server. */
  kept: boolean;
  durationMs: number;
}

type Outcome = { detail?: string; skip?: string } | undefined;

/**
 * `abra recipe test`: a throw-away app of the recipe goes through new, secrets, deploy,
 * backup, restore, upgrade and rollback, then undeploy and remove, and at the end nothing of
 * it may remain. Every step is the operators' own service (each under the app lock, audited);
 * a failed step skips the later test steps but never the cleanup (unless `keep`).
 */
export async function recipeTest(opts: RecipeTestOptions, deps: Deps): Promise<RecipeTestResult> {
  const started = deps.clock.now();
  const overrides = parseEnvOverrides(opts.env);
  if (!overrides.ok)
    throw new UserError(`Bad --env: ${overrides.reason}`, {
      hint: 'Give --env KEY=VALUE, e.g. --env COMPOSE_FILE=compose.yml:compose.host.yml.',
      code: 'usage',
    });
  // Bad input changes nothing: the recipe and the server must exist before any step runs.
  const dir = await recipeClone(opts.recipe, deps);
  if (!(await deps.servers.exists(opts.server)))
    throw new UserError(`Unknown server "${opts.server}"`, {
      where: deps.servers.dirOf(opts.server),
      hint: `Add it first with \`abra server add ${opts.server}\`; \`abra server ls\` lists the known ones.`,
      code: 'server_unknown',
    });
  const releases = (await versionTags(dir, deps.git)).versions.map((v) => v.tag);
  const plan = planRecipeTest({ recipe: opts.recipe, releases, chaos: opts.chaos, keep: opts.keep });
  const app = testDomain(opts.recipe, opts.domain ?? opts.server, randomBytes(3).toString('hex'));
  const envPath = childPath(deps.servers.dirOf(opts.server), `${app}.env`, APP_ENV_NAME);

  const state: RunState = { created: false, backupSkip: undefined, snapshot: '', interrupted: undefined };
  const steps: TestStepReport[] = [];
  let failed: TestStepName | undefined;
  let stopper: unknown;
  // Ctrl-C once: the running step's own operation stops and undoes itself, the later test steps
  // are skipped and the cleanup runs. Twice: the cleanup is abandoned too (the command says
  // how to finish it by hand) and the signal ends the process once the current step let go.
  const uninstall = interruptible(deps.signals, {
    first: (signal) => {
      state.interrupted = { signal, twice: false };
      deps.events({
        type: 'warning',
        message: `${signal}: stopping the test of ${opts.recipe} and cleaning up (again to leave ${app} as it is)`,
      });
    },
    second: async (signal) => {
      state.interrupted = { signal, twice: true };
    },
  });
  try {
    for (const step of plan.steps) {
      const report = (status: TestStepStatus, durationMs: number, detail?: string) => {
        steps.push({ name: step.name, title: step.title, status, durationMs, ...(detail ? { detail } : {}) });
        deps.events({
          type: 'test.step',
          step: step.name,
          title: step.title,
          status,
          ...(status === 'skipped' ? {} : { durationMs }),
          ...(detail ? { detail } : {}),
        });
      };
      const skip = step.skip ?? whySkip(step, failed, state);
      if (skip !== undefined) {
        report('skipped', 0, skip);
        continue;
      }
      deps.events({ type: 'test.step', step: step.name, title: step.title, status: 'started' });
      const t0 = deps.clock.now();
      try {
        const out = await runStep(
          step.name,
          { opts, plan, app, envPath, overrides: overrides.values, state },
          deps,
        );
        if (out?.skip) report('skipped', deps.clock.now() - t0, out.skip);
        else report('passed', deps.clock.now() - t0, out?.detail);
      } catch (err) {
        report('failed', deps.clock.now() - t0, errorMessage(err));
        failed ??= step.name;
        // Ctrl-C, or a bug in abra, is not a failed test: it ends the command, but only after the
        // cleanup ran (the operation it interrupted already left the app consistent).
        if (!isExpectedError(err)) stopper ??= err;
      }
    }
  } finally {
    uninstall();
  }
  // Said for the whole test, not the one step the signal caught; a bug still wins.
  if (state.interrupted && (stopper === undefined || stopper instanceof Cancelled))
    stopper = new Cancelled(
      `The test of ${opts.recipe} was interrupted; ${
        state.interrupted.twice
          ? `${app} was left as it is: remove it with \`abra app undeploy ${app} -n; abra app remove ${app} -n\``
          : 'the cleanup ran'
      }.`,
      { signal: state.interrupted.signal },
    );
  if (stopper !== undefined) throw stopper;
  return {
    recipe: opts.recipe,
    server: opts.server,
    app,
    ok: failed === undefined,
    failed,
    steps,
    kept: opts.keep,
    durationMs: deps.clock.now() - started,
  };
}

interface RunState {
  created: boolean;
  backupSkip: string | undefined;
  snapshot: string;
  interrupted: { signal: NodeJS.Signals; twice: boolean } | undefined;
}

function whySkip(step: PlannedStep, failed: TestStepName | undefined, state: RunState): string | undefined {
  if (state.interrupted?.twice) return INTERRUPTED_TWICE;
  if (step.phase === 'test') {
    if (failed !== undefined) return skippedAfter(failed);
    if (state.interrupted) return INTERRUPTED;
    if (step.name === 'restore') return state.backupSkip;
    return undefined;
  }
  if (!state.created && step.name !== 'verify') return 'no app was created';
  return undefined;
}

interface StepContext {
  opts: RecipeTestOptions;
  plan: TestPlan;
  app: string;
  envPath: string;
  overrides: Record<string, string>;
  state: RunState;
}

async function runStep(name: TestStepName, ctx: StepContext, deps: Deps): Promise<Outcome> {
  const { opts, plan, app } = ctx;
  switch (name) {
    case 'new': {
      const res = await appNew(
        {
          recipe: opts.recipe,
          version: plan.first.version,
          server: opts.server,
          domain: app,
          secrets: false,
          chaos: plan.first.chaos,
          // The recipe under test is the local clone; it is never swapped for a fresh one.
          offline: true,
        },
        deps,
      );
      ctx.state.created = true;
      for (const message of res.warnings) deps.events({ type: 'warning', message });
      const keys = Object.keys(ctx.overrides);
      if (keys.length > 0) {
        let doc = await readEnvFile(ctx.envPath);
        for (const k of keys) doc = doc.set(k, ctx.overrides[k] ?? '');
        await writeEnvFile(ctx.envPath, doc);
      }
      return { detail: `${res.app} (${res.source})${keys.length ? `, set ${keys.join(', ')}` : ''}` };
    }
    case 'secrets': {
      const res = await secretGenerate({ app, all: true }, deps);
      const manual = res.skipped.filter((s) => s.reason === 'manual').map((s) => s.name);
      return {
        detail: `${res.generated.length} generated${manual.length ? `; generate=false, not made: ${manual.join(', ')}` : ''}`,
      };
    }
    case 'images':
      return checkImages(ctx, deps);
    case 'deploy': {
      const res = await appDeploy(
        {
          app,
          version: plan.first.version,
          chaos: plan.first.chaos,
          force: false,
          noDomainChecks: true,
          noConvergeChecks: false,
          ignoreEnvVersion: false,
          noInput: true,
          forceUnlock: false,
        },
        deps,
      );
      if (res.converged !== true) throw notConverged(app, 'deploy');
      return { detail: `${res.version} converged` };
    }
    case 'backup': {
      const { config } = await readBackupConfig(await resolveApp(app, deps));
      if (!config.discovered) {
        ctx.state.backupSkip = NO_BACKUP_LABELS;
        return { skip: NO_BACKUP_LABELS };
      }
      const run = await appBackupCreate({ app }, deps);
      const first = run.snapshots[0];
      if (!first) throw new UserError(`The backup of ${app} made no snapshot`, { code: 'backup_empty' });
      ctx.state.snapshot = first.summary.snapshotId;
      const files = run.snapshots.reduce((n, s) => n + s.summary.filesTotal, 0);
      return { detail: `snapshot ${first.summary.snapshotId.slice(0, 8)}, ${files} file(s)` };
    }
    case 'restore': {
      const res = await appRestore({ app, snapshot: ctx.state.snapshot }, deps);
      if (!res.converged) throw notConverged(app, 'restore');
      return { detail: `${res.services.join(', ')} from ${res.snapshot.shortId}` };
    }
    case 'upgrade':
    case 'rollback': {
      const to = name === 'upgrade' ? plan.upgradeTo : plan.rollbackTo;
      const res = await appMove(
        {
          app,
          direction: name,
          version: to,
          releaseNotesOnly: false,
          chaos: false,
          force: false,
          noDomainChecks: true,
          noConvergeChecks: false,
          noInput: true,
          forceUnlock: false,
          askVersion: false,
        },
        deps,
      );
      if (res.deploy?.converged !== true) throw notConverged(app, name);
      return { detail: `${res.from} -> ${res.to}` };
    }
    case 'undeploy':
      try {
        const res = await appUndeploy({ app, noInput: true }, deps);
        return { detail: `${res.services.length} service(s), ${res.networks.length} network(s)` };
      } catch (err) {
        // A failed first deploy removes itself: then there is nothing to undeploy.
        if (err instanceof UserError && err.code === 'app_not_deployed')
          return { skip: 'nothing is deployed' };
        throw err;
      }
    case 'remove': {
      const res = await appRemove({ app, force: true, noInput: true }, deps);
      return {
        detail: `${res.volumes.length} volume(s), ${res.secrets.length} secret(s), ${res.configs.length} config(s), env file`,
      };
    }
    case 'verify':
      return verifyGone(ctx, deps);
  }
}

function notConverged(app: string, what: string): UserError {
  return new UserError(`The ${what} of ${app} returned without converging`, {
    hint: `See \`abra app ps ${app}\`.`,
    code: 'recipe_test_not_converged',
  });
}

/**
 * Every image of the releases the run deploys must be on the server, or pullable from its
 * registry: a missing one is named up front instead of surfacing as a task that never starts.
 * Only the node abra connects to is checked (swarm pulls on the others).
 */
async function checkImages(ctx: StepContext, deps: Deps): Promise<Outcome> {
  const app = await resolveApp(ctx.app, deps);
  const wanted = new Set<string>();
  const versions = ctx.plan.first.chaos
    ? [{ version: undefined, chaos: true }]
    : [ctx.plan.first.version, ctx.plan.upgradeTo]
        .filter((v, i) => i === 0 || v !== undefined)
        .map((version) => ({ version, chaos: false }));
  for (const v of versions) {
    const release = await resolveRelease(
      {
        recipe: app.recipe.name,
        version: v.version,
        recorded: v.version === undefined ? { version: app.recipe.version, where: app.envPath } : undefined,
        chaos: v.chaos,
      },
      deps,
    );
    const loaded = await loadRelease(app, release, deps);
    for (const s of loaded.desired.services) {
      const image = s.spec.TaskTemplate.ContainerSpec.Image;
      if (image) wanted.add(image);
    }
  }
  const missing: { image: string; pullError: string }[] = [];
  const pulled: string[] = [];
  for (const image of [...wanted].sort()) {
    if (await app.docker.hasImage(image)) continue;
    deps.events({ type: 'status', message: `pulling ${image} on ${app.server}` });
    const failure = await app.docker.pullImage(image);
    deps.events({ type: 'status', message: undefined });
    if (failure === undefined) pulled.push(image);
    else missing.push({ image, pullError: failure });
  }
  const reason = missingImagesReason(app.server, missing);
  if (reason)
    throw new UserError(reason, {
      where: `server ${app.server}`,
      hint: 'Load the image on the server (`docker load`, or build it there), or give the server access to its registry.',
      code: 'recipe_test_image_missing',
    });
  return { detail: `${wanted.size} image(s) present${pulled.length ? `, pulled ${pulled.join(', ')}` : ''}` };
}

/** Nothing of the app may remain: services, networks, volumes, secrets, configs, env file. */
async function verifyGone(ctx: StepContext, deps: Deps): Promise<Outcome> {
  const docker = deps.docker.client(ctx.opts.server);
  const stack = stackNameOf(ctx.app);
  const [objects, data, env] = await Promise.all([
    readStack(docker, stack),
    readStackData(docker, stack),
    stat(ctx.envPath).then(
      () => true,
      () => false,
    ),
  ]);
  const left = describeLeftovers({
    services: objects.services.map((s) => s.Spec.Name),
    networks: objects.networks.map((n) => n.Name),
    volumes: data.volumes.map((v) => v.Name),
    secrets: data.secrets.map((s) => s.Spec.Name),
    configs: data.configs.map((c) => c.Spec.Name),
    envFile: env ? ctx.envPath : undefined,
  });
  if (left.length > 0)
    throw new UserError(`${ctx.app} left behind: ${left.join(', ')}`, {
      where: `server ${ctx.opts.server}`,
      hint: `Remove them by hand (\`docker service rm\`, \`docker volume rm\`, ...) after checking they carry the label ${NAMESPACE_LABEL}=${stack}.`,
      code: 'recipe_test_leftovers',
    });
  return { detail: `no service, network, volume, secret, config or env file of ${stack}` };
}
