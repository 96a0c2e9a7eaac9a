import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ComposeConfig } from '../../domain/compose/types.js';
import { convergenceTimeout, withAbraLabels } from '../../domain/deploy/labels.js';
import { chooseVersion, type VersionChoice } from '../../domain/deploy/version.js';
import { withRecipeVersion } from '../../domain/env/recipe.js';
import { type CurrentStack, type Plan, planDeploy } from '../../domain/plan/plan.js';
import { versionLabel } from '../../domain/stack/contract.js';
import { bindServiceSpec, type DesiredStack, toStack } from '../../domain/swarm/index.js';
import { Cancelled, UserError } from '../../errors.js';
import type { DockerClient } from '../../infra/docker/client.js';
import type { ServiceSpec } from '../../infra/docker/swarm-types.js';
import { GitClient } from '../../infra/git/client.js';
import { writeEnvFile } from '../../infra/store/env-files.js';
import { type ResolvedApp, resolveApp } from '../app/resolve.js';
import { withAudit } from '../audit/record.js';
import { loadRecipeCompose } from '../compose/load-recipe.js';
import type { Deps } from '../deps.js';
import { withAppLock } from '../lock/app-lock.js';
import { belongsTo, readStack, shortName } from '../stack/read.js';
import { checkDomain } from './domain-check.js';
import { rollBack } from './rollback.js';
import { type ServiceProgress, watchConvergence } from './watch.js';

export interface DeployOptions {
  app: string;
  /** A release tag or a commit; default: the env's recorded version, else the latest tag. */
  version?: string | undefined;
  chaos: boolean;
  force: boolean;
  noDomainChecks: boolean;
  noConvergeChecks: boolean;
  ignoreEnvVersion: boolean;
  noInput: boolean;
  forceUnlock: boolean;
  /** argv for the audit log (secret values are redacted there). */
  argv: string[];
}

export interface DeployResult {
  app: string;
  server: string;
  version: string;
  chaos: boolean;
  plan: Plan;
  durationMs: number;
  converged: boolean | 'skipped';
}

/**
 * `abra app deploy`: resolve the version, load the recipe's compose files at that version,
 * plan (pure), show the plan, then under the app's lock apply it, watch it converge, and on
 * failure put every changed service back as it was.
 */
export async function appDeploy(opts: DeployOptions, deps: Deps): Promise<DeployResult> {
  const started = Date.now();
  const app = await resolveApp(opts.app, deps);
  const prepared = await prepare(app, opts, deps);
  const { desired, config, version } = prepared;

  const current = await readCurrent(app.docker, app.stack);
  const plan = planDeploy(desired, current, { force: opts.force });
  const deployedVersion = current.services
    .map((s) => s.spec.Labels?.[versionLabel(app.stack)])
    .find((v) => v !== undefined);
  refuseProblems(app, plan, opts, deployedVersion, version.label);
  deps.io.err(describePlan(app, version.label, deployedVersion, plan));
  if (!opts.noInput && plan.services.some((s) => s.action !== 'unchanged')) {
    if (!(await deps.io.confirm(`Deploy ${app.name} ${version.label} to ${app.server}?`))) {
      throw new Cancelled('Deploy cancelled; nothing was changed.');
    }
  }

  return withAppLock(
    { server: app.server, app: app.name, command: opts.argv, force: opts.forceUnlock },
    deps,
    () =>
      withAudit(
        deps,
        {
          app: app.name,
          server: app.server,
          argv: opts.argv,
          version: { from: deployedVersion, to: version.label },
        },
        async (note) => {
          const fresh = current.services.length === 0;
          const applied = await apply(app.docker, desired, plan, current, app.stack, deps);
          let converged: boolean | 'skipped' = 'skipped';
          if (!opts.noConvergeChecks && applied.targets.length > 0) {
            const timeoutS = convergenceTimeout(config, app.stack);
            deps.io.err(
              `Waiting up to ${timeoutS}s for ${applied.targets.map((t) => t.name).join(', ')} to converge...`,
            );
            const res = await watchConvergence(app.docker, applied.targets, {
              deadline: Date.now() + timeoutS * 1000,
              onProgress: (name, p) => deps.io.err(`  ${name}: ${describeProgress(p)}`),
            });
            converged = res.ok;
            if (!res.ok) {
              const report = await failureReport(app, res.progress, applied.targets, res.timedOut, timeoutS);
              deps.io.err(report);
              deps.io.err(
                fresh
                  ? 'Removing the failed first deploy (volumes and secrets are kept)...'
                  : 'Rolling back...',
              );
              await rollBack(app.docker, app.stack, applied, {
                fresh,
                app: app.name,
                server: app.server,
                io: deps.io,
              });
              note.result = 'rolled-back';
              note.message = firstFailure(res.progress, res.timedOut);
              throw new UserError(
                `Deploy of ${app.name} ${version.label} failed and was ${fresh ? 'removed' : 'rolled back'}: ${note.message}`,
                {
                  where: `server ${app.server}`,
                  hint: `See the task error and logs above; \`abra app logs ${app.name}\` shows more. Fix the recipe or env, then deploy again.`,
                  code: 'deploy_failed',
                },
              );
            }
          }
          await recordVersion(app, version);
          note.message = `${plan.services.filter((s) => s.action !== 'unchanged').length} service(s) changed`;
          return {
            app: app.name,
            server: app.server,
            version: version.label,
            chaos: version.chaos,
            plan,
            durationMs: Date.now() - started,
            converged,
          };
        },
      ),
  );
}

interface PreparedVersion {
  label: string;
  chaos: boolean;
  /** What to write into the env's RECIPE/TYPE line after success. */
  envVersion: string | undefined;
  envDirty: boolean;
}

async function prepare(app: ResolvedApp, opts: DeployOptions, deps: Deps) {
  const recipeDir = join(deps.paths.recipes, app.recipe.name);
  const git = new GitClient({ env: deps.env, debug: deps.io.debug });
  if (!(await git.isRepo(recipeDir))) {
    throw new UserError(`Recipe "${app.recipe.name}" of ${app.name} is not fetched`, {
      where: recipeDir,
      hint: `Run \`abra recipe fetch ${app.recipe.name}\`.`,
      code: 'recipe_missing',
    });
  }
  const tags = (await git.tags(recipeDir)).map((t) => t.name);
  const choice: VersionChoice = chooseVersion({
    argument: opts.version,
    envVersion: app.recipe.version,
    ignoreEnvVersion: opts.ignoreEnvVersion,
    chaos: opts.chaos,
    tags,
  });
  let rev: string | undefined;
  let version: PreparedVersion;
  if (choice.kind === 'chaos') {
    const head = (await git.resolveCommit(recipeDir, 'HEAD')) ?? 'unknown';
    const dirty = (await git.status(recipeDir)).length > 0;
    const short = head.slice(0, 8);
    version = { label: `${short}${dirty ? '+U' : ''}`, chaos: true, envVersion: short, envDirty: dirty };
    if (choice.reason === 'no-releases')
      deps.io.warn(`${app.recipe.name} has no releases: deploying its working tree (chaos).`);
  } else {
    rev = choice.kind === 'tag' ? choice.version : choice.rev;
    const commit = await git.resolveCommit(recipeDir, rev);
    if (!commit) {
      throw new UserError(`${rev} is neither a release tag nor a commit of recipe ${app.recipe.name}`, {
        where:
          choice.kind === 'tag' && choice.reason === 'env' ? `${app.envPath} (${app.recipe.key})` : recipeDir,
        hint: `List releases with \`abra recipe versions ${app.recipe.name}\`; \`abra recipe fetch ${app.recipe.name}\` gets new ones.`,
        code: 'version_unknown',
      });
    }
    const label = choice.kind === 'tag' ? choice.version : commit.slice(0, 8);
    version = { label, chaos: false, envVersion: label, envDirty: false };
  }
  const pinned = rev;
  const loaded = await loadRecipeCompose(
    {
      recipeDir,
      env: app.env,
      domain: app.name,
      ...(pinned === undefined
        ? {}
        : { readRecipeFile: (rel: string) => git.showFile(recipeDir, pinned, rel) }),
    },
    deps.composeValidator,
  );
  const config: ComposeConfig = withAbraLabels(
    loaded.config,
    {
      stack: app.stack,
      recipe: app.recipe.name,
      version: version.chaos ? undefined : version.label,
      chaos: version.chaos,
      chaosVersion: version.chaos ? version.label : undefined,
    },
    // Like Go abra: the app env with the abra.sh exports and STACK_NAME merged in.
    loaded.env,
  );
  if (!opts.noDomainChecks) await checkDomain(app, loaded.env.DOMAIN, deps);
  const desired = toStack(config, { namespace: app.stack });
  // Config and secret files come from the same revision as the compose files.
  for (const obj of [...desired.configs, ...desired.secrets]) {
    if (!obj.file || obj.spec.Data !== undefined) continue;
    const file = obj.file;
    const inRecipe = file.startsWith(`${recipeDir}/`);
    const text =
      pinned !== undefined && inRecipe
        ? await git.showFile(recipeDir, pinned, file.slice(recipeDir.length + 1))
        : await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) {
      throw new UserError(`${obj.key}: file ${file} does not exist${pinned ? ` at ${pinned}` : ''}`, {
        where: file,
        hint: 'Add the file to the recipe (configs and file secrets are read from it).',
        code: 'compose_file_missing',
      });
    }
    obj.spec.Data = Buffer.from(text).toString('base64');
  }
  return { desired, config, version };
}

async function readCurrent(docker: DockerClient, stack: string): Promise<CurrentStack> {
  const [{ services }, networks, secrets, configs] = await Promise.all([
    readStack(docker, stack),
    docker.networks(),
    docker.secrets(),
    docker.configs(),
  ]);
  return {
    services: services.map((s) => ({
      id: s.ID,
      name: s.Spec.Name,
      version: s.Version.Index,
      spec: s.Spec,
      forceUpdate: s.Spec.TaskTemplate.ForceUpdate ?? 0,
    })),
    networks: Object.fromEntries(networks.map((n) => [n.Name, n.Id])),
    secrets: Object.fromEntries(secrets.map((s) => [s.Spec.Name, s.ID])),
    configs: Object.fromEntries(configs.map((c) => [c.Spec.Name, c.ID])),
  };
}

function refuseProblems(
  app: ResolvedApp,
  plan: Plan,
  opts: DeployOptions,
  deployed: string | undefined,
  next: string,
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
  if (deployed !== undefined && deployed === next && !opts.force && !opts.chaos) {
    throw new UserError(`${app.name} is already deployed at ${deployed}`, {
      hint: `Use \`abra app deploy --force ${app.name}\` to redeploy (e.g. after editing its env), or \`abra app deploy ${app.name} <version>\` for another release.`,
      code: 'already_deployed',
    });
  }
}

function describePlan(app: ResolvedApp, version: string, deployed: string | undefined, plan: Plan): string {
  const lines = [`Deploy ${app.name} on ${app.server}: ${deployed ? `${deployed} -> ` : ''}${version}`];
  for (const s of plan.services) {
    const short = shortName(app.stack, s.name);
    if (s.action === 'create') lines.push(`  + ${short} (new service)`);
    else if (s.action === 'update') lines.push(`  ~ ${short} (${s.changes.join(', ')})`);
    else lines.push(`  = ${short} (unchanged)`);
  }
  for (const n of plan.networks) lines.push(`  + network ${n.Name}`);
  for (const c of plan.configs) lines.push(`  + config ${c.Name}`);
  for (const c of plan.secrets) lines.push(`  + secret ${c.Name}`);
  for (const o of plan.orphans)
    lines.push(
      `  ! ${shortName(app.stack, o)} is no longer in the recipe; left running (undeploy and deploy to remove it)`,
    );
  return lines.join('\n');
}

export interface Applied {
  targets: { id: string; name: string }[];
  created: { id: string; name: string }[];
  updated: { id: string; name: string; previous: ServiceSpec }[];
  networks: string[];
}

async function apply(
  docker: DockerClient,
  desired: DesiredStack,
  plan: Plan,
  current: CurrentStack,
  stack: string,
  deps: Pick<Deps, 'io'>,
): Promise<Applied> {
  const applied: Applied = { targets: [], created: [], updated: [], networks: [] };
  for (const n of plan.networks) {
    const res = await docker.createNetwork(n);
    current.networks[n.Name] = res.Id;
    applied.networks.push(n.Name);
  }
  for (const s of plan.secrets) current.secrets[s.Name] = (await docker.createSecret(s)).ID;
  for (const c of plan.configs) current.configs[c.Name] = (await docker.createConfig(c)).ID;
  const ids = { secret: (n: string) => current.secrets[n], config: (n: string) => current.configs[n] };
  for (const step of plan.services) {
    if (step.action === 'unchanged') continue;
    const svc = desired.services.find((s) => s.spec.Name === step.name);
    if (!svc) continue;
    const spec: ServiceSpec = bindServiceSpec(svc, ids);
    const short = shortName(stack, step.name);
    if (step.action === 'create') {
      const res = await docker.createService(spec);
      for (const w of res.Warnings ?? []) deps.io.debug(`create ${short}: ${w}`);
      applied.created.push({ id: res.ID, name: short });
      applied.targets.push({ id: res.ID, name: short });
    } else {
      // Re-read right before updating: the version index guards against a concurrent change.
      const live = await docker.inspectService(step.id);
      if (!belongsTo(stack, live.Spec.Labels)) continue;
      const next = {
        ...spec,
        TaskTemplate: {
          ...spec.TaskTemplate,
          ForceUpdate: (live.Spec.TaskTemplate.ForceUpdate ?? 0) + (step.changes.includes('forced') ? 1 : 0),
        },
      };
      await docker.updateService(step.id, live.Version.Index, next);
      applied.updated.push({ id: step.id, name: short, previous: live.Spec });
      applied.targets.push({ id: step.id, name: short });
    }
  }
  return applied;
}

function describeProgress(p: ServiceProgress): string {
  if (p.state === 'converged') return `running (${p.running}/${p.desired})`;
  if (p.state === 'pending') return `${p.detail} (${p.running}/${p.desired})`;
  return `FAILED: ${p.reason}${p.taskError ? ` (${p.taskError})` : ''}`;
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

async function failureReport(
  app: ResolvedApp,
  progress: Record<string, ServiceProgress>,
  targets: { id: string; name: string }[],
  timedOut: boolean,
  timeoutS: number,
): Promise<string> {
  const lines = [timedOut ? `Deploy did not converge within ${timeoutS}s.` : 'Deploy failed.'];
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
  return lines.join('\n');
}

async function recordVersion(app: ResolvedApp, version: PreparedVersion): Promise<void> {
  const next = withRecipeVersion(app.env, version.envVersion, version.envDirty);
  if (next.toString() !== app.env.toString()) await writeEnvFile(app.envPath, next);
}
