import { convergenceTimeout } from '../../domain/deploy/labels.js';
import { withRecipeVersion } from '../../domain/env/recipe.js';
import { describeProgress } from '../../domain/events/describe.js';
import type { PlanSummary } from '../../domain/events/types.js';
import type { NodeFacts } from '../../domain/nodes/facts.js';
import { unplaceableServices } from '../../domain/nodes/placement.js';
import { type Plan, planRelease } from '../../domain/plan/plan.js';
import { Cancelled, errorMessage, UserError } from '../../errors.js';
import { writeEnvFile } from '../../infra/store/env-files.js';
import { type PostDeployResult, runPostDeployCmds } from '../app/cmd.js';
import { probeApp, type Reachability } from '../app/reachable.js';
import { type ResolvedApp, resolveApp } from '../app/resolve.js';
import type { Deps } from '../deps.js';
import { nodeFactsOf, placedServices, splitVolumeWarnings, unplaceableError } from '../nodes/placement.js';
import { isLockLost, type Operation, runOperation } from '../operation/run.js';
import { type Applied, applyPlan, emptyApplied } from '../release/apply.js';
import { deployedVersion, readCurrent } from '../release/current.js';
import { type LoadedRelease, loadRelease } from '../release/load.js';
import { type Release, resolveRelease } from '../release/resolve.js';
import { shortName } from '../stack/read.js';
import { checkDomain } from './domain-check.js';
import { rollBack } from './rollback.js';
import { type ServiceProgress, watchConvergence } from './watch.js';

export interface DeployOptions {
  app: string;
  /** A release tag or a commit; default: the env's recorded version, else the latest tag. */
  version?: string | undefined;
  chaos: boolean;
  force: boolean;
  /** Remove services the recipe no longer defines (`docker stack deploy --prune`). */
  prune?: boolean;
  noDomainChecks: boolean;
  noConvergeChecks: boolean;
  ignoreEnvVersion: boolean;
  noInput: boolean;
  forceUnlock: boolean;
  /** After a converged deploy, probe the URLs the app's traefik labels route (a warning if not). */
  probe?: boolean;
  /** argv for the audit log (secret values are redacted there); default: the run's. */
  argv?: string[];
}

export interface DeployResult {
  app: string;
  server: string;
  version: string;
  previous: string | undefined;
  chaos: boolean;
  /** Names and actions only: never secret or config data. */
  plan: Plan;
  durationMs: number;
  converged: boolean | 'skipped';
  /** POST_DEPLOY_CMDS run after convergence, each with its outcome. */
  postDeploy: PostDeployResult[];
  /** The app's URLs and what answered there (with `probe`, after a converged deploy). */
  reachability?: Reachability;
}

export type DeployDeps = Pick<
  Deps,
  | 'paths'
  | 'docker'
  | 'git'
  | 'events'
  | 'prompt'
  | 'env'
  | 'signals'
  | 'machineId'
  | 'argv'
  | 'clock'
  | 'dns'
  | 'composeValidator'
>;

/** `abra app deploy`: the version abra would choose (see resolveRelease), then deployRelease. */
export async function appDeploy(opts: DeployOptions, deps: DeployDeps): Promise<DeployResult> {
  // Load the schema validator while git runs (loadRelease awaits the same promise and reports
  // its failure, if any).
  deps.composeValidator().catch(() => undefined);
  const app = await resolveApp(opts.app, deps);
  const release = await resolveRelease(
    {
      recipe: app.recipe.name,
      version: opts.version,
      recorded: opts.ignoreEnvVersion
        ? undefined
        : { version: app.recipe.version, where: `${app.envPath} (${app.recipe.key})` },
      chaos: opts.chaos,
    },
    deps,
  );
  const res = await deployRelease(app, release, { ...opts, kind: 'deploy' }, deps);
  if (opts.probe && res.converged === true) {
    // The deploy is done and audited; what answers at its URLs is information, never a failure.
    try {
      res.reachability = await probeApp(app, { settleMs: PROBE_SETTLE_MS, announce: true }, deps);
    } catch (err) {
      deps.events({ type: 'warning', message: `Could not probe ${app.name}'s URLs: ${errorMessage(err)}` });
    }
  }
  return res;
}

/** How long a probe after a deploy waits for the proxy to route the app and get its certificate. */
const PROBE_SETTLE_MS = 20_000;

export interface DeployReleaseOptions
  extends Omit<DeployOptions, 'app' | 'version' | 'chaos' | 'ignoreEnvVersion'> {
  /** deploy, upgrade or rollback: what the audit log and the messages call it. */
  kind: string;
  /**
   * A step under the same lock after the plan was confirmed and before anything is applied
   * (app upgrade: a backup first). What it returns starts the audit entry's message.
   */
  beforeApply?: (op: Operation) => Promise<string | undefined>;
}

/**
 * The deploy path every caller shares (deploy, upgrade, rollback, the dashboard): load the
 * release, then under the app's lock read what runs, plan (pure), show the plan, ask, apply,
 * watch it converge, and on failure, timeout or Ctrl-C put back exactly what was changed.
 * The env file records the new version only after convergence.
 */
export async function deployRelease(
  app: ResolvedApp,
  release: Release,
  opts: DeployReleaseOptions,
  deps: DeployDeps,
): Promise<DeployResult> {
  const started = deps.clock.now();
  for (const message of release.warnings) deps.events({ type: 'warning', message });
  const loaded = await loadRelease(app, release, deps);
  if (!opts.noDomainChecks) await checkDomain(app, loaded.env, deps);
  return runOperation(
    {
      kind: opts.kind,
      app: app.name,
      server: app.server,
      argv: opts.argv,
      version: { to: release.label },
      forceUnlock: opts.forceUnlock,
    },
    deps,
    async (op) => {
      // Read under the lock: what another operator did up to a moment ago is what we plan against.
      // The nodes in the same round trip: placement is judged against the swarm as it is now.
      const [current, nodes] = await Promise.all([
        readCurrent(app.docker, app.stack),
        nodeFactsOf(app.docker),
      ]);
      const previous = deployedVersion(current, app.stack);
      op.note.version.from = previous;
      const plan = planRelease(loaded.desired, current, { force: opts.force, prune: opts.prune === true });
      refuseProblems(app, plan, opts, previous, release);
      refuseUnplaceable(app, loaded, plan, nodes);
      for (const message of splitVolumeWarnings(app.name, loaded.desired, nodes))
        op.emit({ type: 'warning', message });
      op.emit({
        type: 'plan',
        app: app.name,
        server: app.server,
        kind: opts.kind,
        plan: summarizePlan(app.stack, plan, previous, release.label),
      });
      if (!opts.noInput && hasChanges(plan)) {
        const verb = opts.kind.charAt(0).toUpperCase() + opts.kind.slice(1);
        if (!(await deps.prompt.confirm(`${verb} ${app.name} ${release.label} on ${app.server}?`)))
          throw new Cancelled(`${verb} cancelled; nothing was changed`);
      }
      const before = opts.beforeApply && hasChanges(plan) ? await opts.beforeApply(op) : undefined;
      const fresh = current.services.length === 0;
      const applied = emptyApplied();
      try {
        await applyPlan(
          app.docker,
          { desired: loaded.desired, plan, current, stack: app.stack },
          op,
          applied,
        );
      } catch (err) {
        throw await undoAfter(err, app, applied, fresh, op);
      }
      const converged = await converge(app, loaded, applied, fresh, opts, op);
      // A lock lost while watching: someone else may have changed the app since; do not claim it.
      await op.confirmLock();
      await recordVersion(app, release);
      op.changes.push(`recorded ${release.label} in ${app.envPath}`);
      // abra's POST_DEPLOY_CMDS: after a converged deploy, a failure is reported and audited but
      // does not undo the deploy.
      // Running them changes the app: a write, so the lock is confirmed again after them.
      if (converged !== false && app.env.values().POST_DEPLOY_CMDS !== undefined) op.checkpoint();
      const post = converged === false ? [] : await runPostDeployCmds(app.name, deps);
      const postFailed = post.filter((p) => !p.ok);
      const changed = plan.services.filter((s) => s.action !== 'unchanged').length;
      op.note.message = `${before ? `${before}; ` : ''}${changed} service(s) changed${
        postFailed.length ? `; post-deploy command(s) failed: ${postFailed.map((p) => p.cmd).join('; ')}` : ''
      }`;
      return {
        app: app.name,
        server: app.server,
        version: release.label,
        previous,
        chaos: release.kind === 'chaos',
        plan,
        durationMs: deps.clock.now() - started,
        converged,
        postDeploy: post,
      };
    },
  );
}

async function converge(
  app: ResolvedApp,
  loaded: LoadedRelease,
  applied: Applied,
  fresh: boolean,
  opts: DeployReleaseOptions,
  op: Operation,
): Promise<boolean | 'skipped'> {
  if (opts.noConvergeChecks || applied.targets.length === 0) return 'skipped';
  const timeoutS = convergenceTimeout(loaded.config, app.stack);
  op.emit({ type: 'waiting', services: applied.targets.map((t) => t.name), timeoutS });
  const res = await watchConvergence(app.docker, applied.targets, {
    deadline: Date.now() + timeoutS * 1000,
    signal: op.signal,
    onProgress: (name, p) => op.emit({ type: 'progress', service: name, progress: p }),
  });
  if (res.ok) {
    op.emit({ type: 'converged', services: applied.targets.map((t) => t.name) });
    return true;
  }
  if (op.signal.aborted) {
    throw await undoAfter(op.signal.reason, app, applied, fresh, op);
  }
  op.emit({
    type: 'failed',
    reason: res.timedOut ? `${opts.kind} did not converge within ${timeoutS}s.` : `${opts.kind} failed.`,
    report: await failureReport(app, res.progress, applied.targets),
  });
  const rolledBack = await rollBack(app.docker, app.stack, applied, {
    fresh,
    app: app.name,
    server: app.server,
    events: op.emit,
  });
  op.note.result = 'rolled-back';
  op.note.message = firstFailure(res.progress, res.timedOut);
  throw new UserError(
    `${capitalise(opts.kind)} of ${app.name} ${loaded.release.label} failed and was ${fresh ? 'removed' : 'rolled back'}${rolledBack ? '' : ' (the rollback has not converged yet)'}: ${op.note.message}`,
    {
      where: `server ${app.server}`,
      hint: `See the task error and logs above; \`abra app logs ${app.name}\` shows more. Fix the recipe or env, then deploy again.`,
      code: 'deploy_failed',
    },
  );
}

/**
 * After an apply stopped part-way (an engine error, Ctrl-C): put back what it changed. Not
 * after a lost lock: then someone else is changing the app, and undoing could clobber them;
 * say exactly what this operation changed instead.
 */
async function undoAfter(
  err: unknown,
  app: ResolvedApp,
  applied: Applied,
  fresh: boolean,
  op: Operation,
): Promise<unknown> {
  if (isLockLost(err)) {
    op.note.message = `lost the lock; ${op.changes.length ? `changed before stopping: ${op.changes.join('; ')}` : 'nothing changed'}`;
    op.emit({ type: 'warning', message: `Stopped without undoing anything: ${op.note.message}.` });
    return err;
  }
  const touched = applied.created.length + applied.updated.length + applied.removed.length;
  if (touched === 0 && !(fresh && applied.networks.length > 0)) return err;
  const back = await rollBack(app.docker, app.stack, applied, {
    fresh,
    app: app.name,
    server: app.server,
    events: op.emit,
  });
  op.note.result = 'rolled-back';
  if (!(err instanceof Cancelled)) return err;
  // Say where the app is now, not just that it was interrupted.
  const where = fresh
    ? 'the new app was removed'
    : back
      ? 'its changes were rolled back'
      : 'its rollback has not converged yet';
  op.note.message = `interrupted; ${where}`;
  return new Cancelled(`${capitalise(op.kind)} of ${app.name} interrupted; ${where}.`, {
    ...(err.signal === undefined ? {} : { signal: err.signal }),
  });
}

/**
 * A service the deploy creates or changes whose constraints no node can satisfy now would stay
 * pending until the convergence timeout and then be rolled back: refuse before anything is
 * applied, naming the service and the constraint. Unchanged services are left as they run.
 */
function refuseUnplaceable(
  app: ResolvedApp,
  loaded: LoadedRelease,
  plan: Plan,
  nodes: readonly NodeFacts[],
): void {
  const changing = new Set(
    plan.services.flatMap((s) => (s.action === 'create' || s.action === 'update' ? [s.key] : [])),
  );
  const unplaceable = unplaceableServices(placedServices(loaded.desired, changing), nodes);
  if (unplaceable.length > 0) throw unplaceableError(app.name, app.server, unplaceable);
}

function refuseProblems(
  app: ResolvedApp,
  plan: Plan,
  opts: DeployReleaseOptions,
  deployed: string | undefined,
  release: Release,
): void {
  if (plan.missing.secrets.length > 0) {
    throw new UserError(
      `${app.name} needs secrets that do not exist on ${app.server}: ${plan.missing.secrets.join(', ')}`,
      {
        hint: `Generate them with \`abra app secret generate ${app.name} --all\` (or insert known values with \`abra app secret insert\`).`,
        code: 'secrets_missing',
      },
    );
  }
  if (plan.missing.networks.length > 0) {
    throw new UserError(`External network(s) missing on ${app.server}: ${plan.missing.networks.join(', ')}`, {
      hint: plan.missing.networks.includes('proxy')
        ? 'Create the proxy network (`docker network create -d overlay --attachable proxy`) and deploy Traefik first.'
        : 'Create them on the server, or deploy the app that provides them first.',
      code: 'networks_missing',
    });
  }
  if (plan.missing.configs.length > 0) {
    throw new UserError(`External config(s) missing on ${app.server}: ${plan.missing.configs.join(', ')}`, {
      hint: 'Create them on the server first.',
      code: 'configs_missing',
    });
  }
  if (deployed !== undefined && deployed === release.label && !opts.force && release.kind !== 'chaos') {
    throw new UserError(`${app.name} is already deployed at ${deployed}`, {
      hint: `Use \`abra app deploy --force ${app.name}\` to redeploy (e.g. after editing its env), or \`abra app deploy ${app.name} <version>\` for another version.`,
      code: 'already_deployed',
    });
  }
}

function hasChanges(plan: Plan): boolean {
  return plan.services.some((s) => s.action !== 'unchanged');
}

/** The plan as shown and streamed: short service names, actions, what changed. */
export function summarizePlan(stack: string, plan: Plan, from: string | undefined, to: string): PlanSummary {
  return {
    from,
    to,
    services: [
      ...plan.services.map((s) => ({
        name: shortName(stack, s.name),
        action: s.action,
        ...(s.action === 'update' ? { changes: s.changes } : {}),
      })),
      ...plan.orphans.map((o) => ({ name: shortName(stack, o), action: 'orphan' as const })),
    ],
    networks: plan.networks,
    secrets: plan.secrets,
    configs: plan.configs,
  };
}

function firstFailure(progress: Record<string, ServiceProgress>, timedOut: boolean): string {
  for (const [name, p] of Object.entries(progress)) {
    if (p.state === 'failed') return `${name}: ${p.reason}${p.taskError ? ` (${p.taskError})` : ''}`;
  }
  const pending = Object.entries(progress).find(([, p]) => p.state === 'pending');
  return timedOut && pending
    ? `${pending[0]} did not converge in time (${(pending[1] as { detail: string }).detail})`
    : 'did not converge';
}

/** The failing services' state and their last log lines, for the operator to see why. */
async function failureReport(
  app: ResolvedApp,
  progress: Record<string, ServiceProgress>,
  targets: { id: string; name: string }[],
): Promise<string[]> {
  const lines: string[] = [];
  for (const t of targets) {
    const p = progress[t.name];
    if (!p || p.state === 'converged') continue;
    lines.push(`${t.name}: ${describeProgress(p)}`);
    const logs: string[] = [];
    try {
      for await (const l of app.docker.serviceLogs(t.id, { tail: '20' })) logs.push(`    ${l.line}`);
    } catch {
      // Logs are a courtesy; a failure to read them must not hide the deploy error.
    }
    if (logs.length) lines.push(`  last log lines of ${t.name}:`, ...logs.slice(-20));
  }
  return lines;
}

async function recordVersion(app: ResolvedApp, release: Release): Promise<void> {
  const next = withRecipeVersion(app.env, release.envVersion, release.envDirty);
  if (next.toString() !== app.env.toString()) await writeEnvFile(app.envPath, next);
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
