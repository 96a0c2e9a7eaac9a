import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { MoveStep } from '../../domain/events/types.js';
import {
  describeMove,
  helperSecretPath,
  helperVolumePath,
  type MovePlan,
  type MoveSourceState,
  type MoveTargetState,
  type MoveVolume,
  planMove,
} from '../../domain/move/plan.js';
import { belongsTo, NAMESPACE_LABEL } from '../../domain/stack/contract.js';
import { Cancelled, errorMessage, UserError } from '../../errors.js';
import type { DockerClient } from '../../infra/docker/client.js';
import { writeEnvFile } from '../../infra/store/env-files.js';
import { statIfExists } from '../../infra/store/read.js';
import { type ResolvedApp, resolveApp } from '../app/resolve.js';
import { removeStack } from '../app/undeploy.js';
import { managerNode } from '../backup/task.js';
import { type DeployDeps, type DeployResult, deployRelease } from '../deploy/deploy.js';
import { checkDomain } from '../deploy/domain-check.js';
import type { Deps } from '../deps.js';
import { runOperation } from '../operation/run.js';
import { deployedVersion, readCurrent } from '../release/current.js';
import { resolveRelease } from '../release/resolve.js';
import { checkServerKnown } from '../server/known.js';
import { byNamespace, readStack } from '../stack/read.js';
import {
  moveHelperImage,
  type RunningHelper,
  readHelperFile,
  removeLeftoverHelpers,
  startHelper,
  stopHelper,
  streamVolume,
} from './helper.js';

export interface AppMoveOptions {
  app: string;
  server: string;
  noInput: boolean;
  /** Keep the app's volumes and secrets on the old server after a successful move. */
  keepSource: boolean;
  noDomainChecks: boolean;
  noConvergeChecks: boolean;
  argv?: readonly string[];
}

export interface AppMoveResult {
  app: string;
  from: string;
  to: string;
  version: string;
  volumes: { name: string; bytes: number }[];
  secrets: string[];
  envFile: string;
  /** What was removed from the old server (nothing with --keep-source). */
  sourceRemoved: string[];
  deploy: DeployResult;
}

export type MoveDeps = DeployDeps & Pick<Deps, 'servers'>;

/** What the move has changed so far, to undo on the target and to report. */
interface Progress {
  undeployed: boolean;
  targetVolumes: string[];
  targetSecrets: string[];
  targetEnv: string | undefined;
  /** The old env file, renamed to a hidden name while the new server's deploy runs. */
  parked: string | undefined;
  deployed: boolean;
}

/**
 * Where the old env file waits during the deploy on the new server: hidden (abra skips dot
 * files), so the app has one env file, yet still on the old server to be put back on failure.
 */
export function parkedEnvPath(envPath: string): string {
  return join(dirname(envPath), `.${basename(envPath)}.moving`);
}

/** The app, its target, and how to reach both: resolved before anything is read from a server. */
async function locate(opts: { app: string; server: string }, deps: MoveDeps) {
  await checkServerKnown(opts.server, deps);
  const to = opts.server;
  const targetEnvPath = join(deps.servers.dirOf(to), `${opts.app}.env`);
  const app = await resolveApp(opts.app, deps).catch(async (err: unknown) => {
    // Both servers have the env file: the refusal that says so, rather than "ambiguous".
    if (err instanceof UserError && err.code === 'app_ambiguous' && (await statIfExists(targetEnvPath)))
      throw new UserError(`${to} already has an app ${opts.app}`, {
        where: targetEnvPath,
        hint: 'Nothing was changed. If that env file is stale, move it away first; `abra app ls` shows both.',
        code: 'move_target_has_app',
      });
    throw err;
  });
  return { app, to, targetEnvPath, target: deps.docker.client(to) };
}

type Located = Awaited<ReturnType<typeof locate>>;

/**
 * Read both servers, decide, and check everything that can refuse without a change: the
 * release must be in the local clone, DOMAIN must point at the new server.
 */
async function prepare(where: Located, opts: { noDomainChecks: boolean }, deps: MoveDeps) {
  const { app, to, target, targetEnvPath } = where;
  const source = await readSource(app);
  const plan = decide(app, to, source.state, await readTarget(target, app, targetEnvPath, source.state));
  const release = await resolveRelease(
    {
      recipe: app.recipe.name,
      version: plan.version,
      recorded: { version: app.recipe.version, where: `${app.envPath} (${app.recipe.key})` },
      chaos: false,
    },
    deps,
  );
  const moved: ResolvedApp = { ...app, server: to, envPath: targetEnvPath, docker: target };
  if (!opts.noDomainChecks) await checkDomain(moved, app.env.values(), deps);
  return { source, plan, release, moved };
}

export interface AppMovePlanResult {
  app: string;
  from: string;
  to: string;
  version: string;
  plan: MovePlan;
  steps: string[];
}

/** `abra app move --plan`: what a move would do, read from both servers; changes nothing, takes no lock. */
export async function appMovePlan(
  opts: { app: string; server: string; noDomainChecks: boolean },
  deps: MoveDeps,
): Promise<AppMovePlanResult> {
  const where = await locate(opts, deps);
  const { plan, release } = await prepare(where, opts, deps);
  return {
    app: where.app.name,
    from: where.app.server,
    to: where.to,
    version: release.label,
    plan,
    steps: describeMove({ ...plan, version: release.label }),
  };
}

/**
 * `abra app move <app> <server>`: read the app's secrets on the old server (a helper that mounts
 * them), undeploy it there, stream each volume's tar from a helper on the old server into a
 * helper on the new one, create the secrets there with the same names, write the env file
 * there, deploy the same version, and only once that converged remove the old env file (and,
 * without --keep-source, the old volumes and secrets). The app's lock is held on both servers.
 * Any failure before the new deploy converged removes what was made on the new server and
 * leaves the old one as it was, except undeployed: `abra app deploy` brings it back there.
 */
export async function appMoveServer(opts: AppMoveOptions, deps: MoveDeps): Promise<AppMoveResult> {
  const where = await locate(opts, deps);
  const { app, to, target, targetEnvPath } = where;
  const step = (s: MoveStep, server: string, detail: string, bytes?: number) =>
    deps.events({
      type: 'move',
      step: s,
      app: app.name,
      server,
      detail,
      ...(bytes === undefined ? {} : { bytes }),
    });

  return runOperation(
    { kind: 'move', app: app.name, server: app.server, argv: opts.argv, version: {} },
    deps,
    async (op) => {
      // Read under the lock: what another operator did up to a moment ago is what we plan against.
      const { source, plan, release, moved } = await prepare(where, opts, deps);
      op.note.version.from = plan.version;
      op.note.version.to = release.label;
      step('plan', app.server, describeMove(plan).join('\n'));
      if (!opts.noInput && !(await deps.prompt.confirm(`${describeMove(plan).join('\n')}\nGo ahead?`)))
        throw new Cancelled('Move cancelled; nothing was changed.');

      const progress: Progress = {
        undeployed: false,
        targetVolumes: [],
        targetSecrets: [],
        targetEnv: undefined,
        parked: undefined,
        deployed: false,
      };
      let copied: { name: string; bytes: number }[] = [];
      let deploy: DeployResult;
      try {
        copied = await runOperation(
          { kind: 'move', app: app.name, server: to, argv: opts.argv, catchSignals: false, version: {} },
          deps,
          async (top) => {
            // Under the target's lock: nobody put the app there meanwhile.
            decide(app, to, source.state, await readTarget(target, app, targetEnvPath, source.state));
            // Both locks are ours: a helper of this app still there is a killed move's leftover.
            await Promise.all([
              removeLeftoverHelpers(app.docker, app.stack),
              removeLeftoverHelpers(target, app.stack),
            ]);
            const check = () => {
              op.checkpoint();
              top.checkpoint();
            };
            const values = await readSecrets(app, plan, deps);
            try {
              step('secrets-read', app.server, `read ${values.size} secret(s) through a helper`);
              if (plan.undeploy) {
                check();
                progress.undeployed = true;
                op.changes.push(`undeployed ${app.name} from ${app.server}`);
                await removeStack(app.docker, app.stack, {
                  app: app.name,
                  server: app.server,
                  timeoutMs: 120_000,
                  events: op.emit,
                });
                step('undeployed', app.server, `undeployed; its tasks are gone`);
              }
              const out = await copyVolumes(app, target, plan, source.nodes, progress, check, deps, step);
              check();
              for (const [name, data] of values) {
                progress.targetSecrets.push(name);
                await target.createSecret({
                  Name: name,
                  Labels: { [NAMESPACE_LABEL]: app.stack },
                  Data: data.toString('base64'),
                });
              }
              if (values.size > 0) step('secrets-created', to, `created ${[...values.keys()].join(', ')}`);
              check();
              progress.targetEnv = targetEnvPath;
              await writeEnvFile(targetEnvPath, app.env);
              top.changes.push(`wrote ${targetEnvPath}`);
              // The deploy (and its post-deploy commands) find the app by name: one env file only.
              const parked = parkedEnvPath(app.envPath);
              await rename(app.envPath, parked);
              progress.parked = parked;
              step(
                'env-moved',
                to,
                `wrote ${targetEnvPath}; the old one waits as ${parked} until the deploy converged`,
              );
              return out;
            } finally {
              for (const v of values.values()) v.fill(0);
            }
          },
        );
        op.checkpoint();
        deploy = await deployRelease(
          moved,
          release,
          {
            kind: 'move',
            force: false,
            noDomainChecks: true,
            noConvergeChecks: opts.noConvergeChecks,
            noInput: true,
            forceUnlock: false,
            ...(opts.argv ? { argv: [...opts.argv] } : {}),
          },
          deps,
        );
        progress.deployed = true;
        step('deployed', to, `deployed ${deploy.version}`);
      } catch (err) {
        throw await undoTarget(err, app, to, target, progress, deps, step);
      }

      // The new home runs: the old env file goes, then (unless kept) the old volumes and secrets.
      await rm(parkedEnvPath(app.envPath), { force: true });
      op.changes.push(`moved the env file to ${targetEnvPath}`);
      const sourceRemoved = opts.keepSource ? [] : await removeSource(app, plan, source.nodes, deps);
      if (sourceRemoved.length > 0) step('source-cleaned', app.server, `removed ${sourceRemoved.join(', ')}`);
      op.note.message = `moved to ${to}`;
      return {
        app: app.name,
        from: app.server,
        to,
        version: deploy.version,
        volumes: copied,
        secrets: plan.secrets,
        envFile: targetEnvPath,
        sourceRemoved,
        deploy,
      };
    },
  );
}

function decide(app: ResolvedApp, to: string, source: MoveSourceState, target: MoveTargetState): MovePlan {
  const res = planMove({ app: app.name, stack: app.stack, from: app.server, to, source, target });
  if ('refusal' in res) {
    const r = res.refusal;
    throw new UserError(r.message, { ...(r.where ? { where: r.where } : {}), hint: r.hint, code: r.code });
  }
  return res.plan;
}

/** The app on the old server: services, version, and each labelled volume with the node holding it. */
async function readSource(app: ResolvedApp): Promise<{ state: MoveSourceState; nodes: Map<string, string> }> {
  const [stack, current, tasks, secrets, manager] = await Promise.all([
    readStack(app.docker, app.stack),
    readCurrent(app.docker, app.stack),
    app.docker.tasks(byNamespace(app.stack)),
    app.docker.secrets(byNamespace(app.stack)),
    managerNode(app.docker),
  ]);
  // Local volumes live on the nodes the app's tasks ran on; the manager's too.
  const nodeIds = new Set([manager, ...tasks.map((t) => t.NodeID ?? '').filter(Boolean)]);
  const volumes: MoveVolume[] = [];
  const nodes = new Map<string, string>();
  for (const node of nodeIds) {
    const engine = await app.docker.forNode(node);
    for (const v of await engine.volumes(byNamespace(app.stack))) {
      if (nodes.has(v.Name)) continue;
      nodes.set(v.Name, node);
      volumes.push({
        name: v.Name,
        driver: v.Driver,
        labels: { ...(v.Labels ?? {}) },
        options: { ...(v.Options ?? {}) },
      });
    }
  }
  return {
    state: {
      services: stack.services.map((s) => s.Spec.Name),
      volumes,
      secrets: secrets.map((s) => ({ name: s.Spec.Name, labels: { ...(s.Spec.Labels ?? {}) } })),
      deployedVersion: deployedVersion(current, app.stack),
    },
    nodes,
  };
}

async function readTarget(
  target: DockerClient,
  app: ResolvedApp,
  envPath: string,
  source: MoveSourceState,
): Promise<MoveTargetState> {
  const envFile = (await statIfExists(envPath, `The env file ${envPath}`)) !== undefined;
  const [services, volumes, secrets] = await Promise.all([
    target.services(byNamespace(app.stack)),
    target.volumes(),
    target.secrets(),
  ]);
  // Same name, or labelled as the stack's: either would be overwritten or mixed in.
  const sameName = new Set([...source.volumes.map((v) => v.name), ...source.secrets.map((s) => s.name)]);
  const clash = (name: string, labels: Record<string, string> | null | undefined) =>
    sameName.has(name) || belongsTo(app.stack, labels ?? undefined);
  return {
    known: true,
    envFile,
    services: services.filter((s) => belongsTo(app.stack, s.Spec.Labels)).map((s) => s.Spec.Name),
    volumes: volumes.filter((v) => clash(v.Name, v.Labels)).map((v) => v.Name),
    secrets: secrets.filter((s) => clash(s.Spec.Name, s.Spec.Labels)).map((s) => s.Spec.Name),
  };
}

/** The secrets' values, read through a helper on the old server that mounts them (memory only). */
async function readSecrets(app: ResolvedApp, plan: MovePlan, deps: MoveDeps): Promise<Map<string, Buffer>> {
  const values = new Map<string, Buffer>();
  if (plan.secrets.length === 0) return values;
  const found = await app.docker.secrets(byNamespace(app.stack));
  const ids = new Map(
    found.filter((s) => belongsTo(app.stack, s.Spec.Labels)).map((s) => [s.Spec.Name, s.ID]),
  );
  const mounted = plan.secrets.map((name, i) => ({
    id: ids.get(name) ?? '',
    name,
    file: helperSecretPath(i),
  }));
  const helper = await startHelper(
    app.docker,
    {
      purpose: 'secrets',
      stack: app.stack,
      image: moveHelperImage(deps),
      nodeId: await managerNode(app.docker),
      volumes: [],
      secrets: mounted,
    },
    deps,
  );
  try {
    for (const s of mounted) values.set(s.name, await readHelperFile(helper, s.file));
    return values;
  } catch (err) {
    for (const v of values.values()) v.fill(0);
    throw err;
  } finally {
    await stopHelper(helper);
  }
}

async function copyVolumes(
  app: ResolvedApp,
  target: DockerClient,
  plan: MovePlan,
  nodes: Map<string, string>,
  progress: Progress,
  check: () => void,
  deps: MoveDeps,
  step: (s: MoveStep, server: string, detail: string, bytes?: number) => void,
): Promise<{ name: string; bytes: number }[]> {
  if (plan.volumes.length === 0) return [];
  const image = moveHelperImage(deps);
  const index = new Map(plan.volumes.map((v, i) => [v.name, i]));
  check();
  // The target's helper creates every volume (labels and driver as on the old server).
  progress.targetVolumes.push(...plan.volumes.map((v) => v.name));
  const into = await startHelper(
    target,
    {
      purpose: 'copy-in',
      stack: app.stack,
      image,
      nodeId: await managerNode(target),
      secrets: [],
      volumes: plan.volumes.map((v, i) => ({
        name: v.name,
        target: helperVolumePath(i),
        readOnly: false,
        create: { driver: v.driver, labels: v.labels, options: v.options },
      })),
    },
    deps,
  );
  const out: { name: string; bytes: number }[] = [];
  try {
    // One source helper per node that holds volumes.
    const byNode = new Map<string, MoveVolume[]>();
    for (const v of plan.volumes) {
      const node = nodes.get(v.name) ?? '';
      byNode.set(node, [...(byNode.get(node) ?? []), v]);
    }
    for (const [node, vols] of byNode) {
      const from: RunningHelper = await startHelper(
        app.docker,
        {
          purpose: 'copy-out',
          stack: app.stack,
          image,
          nodeId: node || (await managerNode(app.docker)),
          secrets: [],
          volumes: vols.map((v) => ({
            name: v.name,
            target: helperVolumePath(index.get(v.name)!),
            readOnly: true,
          })),
        },
        deps,
      );
      try {
        for (const v of vols) {
          check();
          const bytes = await streamVolume(from, into, helperVolumePath(index.get(v.name)!));
          out.push({ name: v.name, bytes });
          step('volume-copied', target.server, `copied volume ${v.name} (${bytes} bytes of tar)`, bytes);
        }
      } finally {
        await stopHelper(from);
      }
    }
    return out;
  } finally {
    await stopHelper(into);
  }
}

/**
 * Undo on the new server what the move made there (the deploy undoes itself), then say what
 * happened and what to do. The old server keeps its env file, volumes and secrets.
 */
async function undoTarget(
  err: unknown,
  app: ResolvedApp,
  to: string,
  target: DockerClient,
  progress: Progress,
  deps: MoveDeps,
  step: (s: MoveStep, server: string, detail: string, bytes?: number) => void,
): Promise<unknown> {
  const left: string[] = [];
  const removed: string[] = [];
  if (progress.targetEnv) {
    await rm(progress.targetEnv, { force: true }).then(
      () => removed.push(progress.targetEnv as string),
      () => left.push(progress.targetEnv as string),
    );
  }
  // A failed deploy removed its own services; a half-started one may still be going away.
  const services = await target.services(byNamespace(app.stack)).catch(() => []);
  if (services.length > 0)
    await removeStack(target, app.stack, {
      app: app.name,
      server: to,
      timeoutMs: 60_000,
      events: deps.events,
    }).catch((e: unknown) => left.push(`the stack ${app.stack} (${errorMessage(e)})`));
  if (progress.targetSecrets.length > 0) {
    const secrets = await target.secrets(byNamespace(app.stack)).catch(() => []);
    for (const s of secrets) {
      if (!belongsTo(app.stack, s.Spec.Labels) || !progress.targetSecrets.includes(s.Spec.Name)) continue;
      await target.removeSecret(s.ID).then(
        () => removed.push(`secret ${s.Spec.Name}`),
        () => left.push(`secret ${s.Spec.Name}`),
      );
    }
  }
  if (progress.targetVolumes.length > 0) {
    const volumes = await target.volumes(byNamespace(app.stack)).catch(() => []);
    for (const v of volumes) {
      if (!belongsTo(app.stack, v.Labels ?? undefined) || !progress.targetVolumes.includes(v.Name)) continue;
      await target.removeVolume(v.Name, true).then(
        () => removed.push(`volume ${v.Name}`),
        () => left.push(`volume ${v.Name}`),
      );
    }
  }
  if (progress.parked)
    await rename(progress.parked, app.envPath).catch((e: unknown) =>
      left.push(
        `(on this machine) the env file: move ${progress.parked} back to ${app.envPath} (${errorMessage(e)})`,
      ),
    );
  if (removed.length > 0) step('target-cleaned', to, `removed ${removed.join(', ')}`);
  const what = progress.undeployed
    ? `${app.name} is undeployed on ${app.server}; its env file, volumes and secrets there are untouched`
    : `${app.name} was not changed on ${app.server}`;
  const redo = progress.undeployed
    ? `Run \`abra app deploy ${app.name}\` to bring it back on ${app.server}`
    : '';
  const leftover =
    left.length > 0
      ? ` Could not remove on ${to}: ${left.join(', ')}; remove them there before trying again.`
      : '';
  if (err instanceof Cancelled)
    return new Cancelled(`Move cancelled: ${what}.${leftover}`, {
      ...(err.signal ? { signal: err.signal } : {}),
    });
  return new UserError(`Moving ${app.name} to ${to} failed: ${errorMessage(err)}`, {
    where: `server ${to}`,
    hint: `${what}.${leftover} ${redo}${redo ? ', or' : ''} fix the cause and run \`abra app move ${app.name} ${to}\` again.`.trim(),
    code: err instanceof UserError ? err.code : 'move_failed',
    cause: err,
  });
}

/** After the move: the old server's volumes and secrets of the app (proved its by label) go. */
async function removeSource(
  app: ResolvedApp,
  plan: MovePlan,
  nodes: Map<string, string>,
  deps: Pick<Deps, 'events'>,
): Promise<string[]> {
  const removed: string[] = [];
  const secrets = await app.docker.secrets(byNamespace(app.stack));
  for (const s of secrets) {
    if (!belongsTo(app.stack, s.Spec.Labels) || !plan.secrets.includes(s.Spec.Name)) continue;
    await app.docker.removeSecret(s.ID).then(
      () => removed.push(`secret ${s.Spec.Name}`),
      (e: unknown) =>
        deps.events({
          type: 'warning',
          message: `secret ${s.Spec.Name} stays on ${app.server}: ${errorMessage(e)}`,
        }),
    );
  }
  for (const v of plan.volumes) {
    const node = nodes.get(v.name) ?? '';
    const engine = await app.docker.forNode(node);
    const [found] = (await engine.volumes(byNamespace(app.stack))).filter((x) => x.Name === v.name);
    if (!found || !belongsTo(app.stack, found.Labels ?? undefined)) continue;
    await engine.removeVolume(v.name).then(
      () => removed.push(`volume ${v.name}`),
      (e: unknown) =>
        deps.events({
          type: 'warning',
          message: `volume ${v.name} stays on ${app.server}: ${errorMessage(e)}`,
        }),
    );
  }
  return removed;
}
