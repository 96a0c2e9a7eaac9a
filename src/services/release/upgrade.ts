import { versionChoices } from '../../domain/prompt/choices.js';
import {
  candidatesFor,
  crossedVersions,
  type Direction,
  defaultTarget,
  isMajorBump,
} from '../../domain/release/candidates.js';
import { versionLabel } from '../../domain/stack/contract.js';
import { parseVersion, type RecipeVersion } from '../../domain/version/parse.js';
import { errorMessage, UserError } from '../../errors.js';
import type { ResolvedApp } from '../app/resolve.js';
import { resolveApp } from '../app/resolve.js';
import { type BackupRun, takeBackup } from '../backup/create.js';
import { type DeployDeps, type DeployResult, deployRelease } from '../deploy/deploy.js';
import type { Deps } from '../deps.js';
import type { Operation } from '../operation/run.js';
import { readStack } from '../stack/read.js';
import { notesOfEach, type ReleaseNote, readNotes } from './notes.js';
import { recipeClone, resolveRelease } from './resolve.js';

export interface MoveOptions {
  app: string;
  direction: Direction;
  /** A release tag; default: the newest upgrade, or the newest release below the deployed one. */
  version?: string | undefined;
  /** Only show the release notes. */
  releaseNotesOnly: boolean;
  chaos: boolean;
  force: boolean;
  prune?: boolean;
  noDomainChecks: boolean;
  noConvergeChecks: boolean;
  noInput: boolean;
  forceUnlock: boolean;
  /** `--no-backup`: upgrade without the backup an app with backup labels gets first. */
  noBackup?: boolean;
  /**
   * No version given and a person at the terminal: offer the candidates (with their release
   * notes) instead of taking the default. The command turns it off for --machine.
   */
  askVersion?: boolean;
}

export interface MoveResult {
  app: string;
  server: string;
  direction: Direction;
  from: string;
  /** Undefined when there is nowhere to go (already the newest release). */
  to: string | undefined;
  candidates: string[];
  notes: ReleaseNote[];
  majorBump: boolean;
  /** The deploy, unless only the notes were asked for or nothing was newer. */
  deploy: DeployResult | undefined;
  /** The backup taken before the upgrade (apps with backup labels, unless --no-backup). */
  backup?: BackupRun | undefined;
}

/**
 * `abra app upgrade` and `abra app rollback`: choose a release above (below) the deployed one,
 * show the release notes of every version crossed and what an operator must know (a major
 * bump; volumes are not rolled back), then deploy it through the same steps as `app deploy`,
 * with convergence watch and automatic rollback. The env file records the new version only
 * after convergence.
 */
export async function appMove(
  opts: MoveOptions,
  deps: DeployDeps & Pick<Deps, 'servers'>,
): Promise<MoveResult> {
  const app = await resolveApp(opts.app, deps);
  const { services } = await readStack(app.docker, app.stack);
  const label = services.map((s) => s.Spec.Labels?.[versionLabel(app.stack)]).find((v) => v !== undefined);
  const verb = opts.direction === 'upgrade' ? 'upgrade' : 'roll back';
  if (services.length === 0 || label === undefined) {
    throw new UserError(`${app.name} is not deployed on ${app.server}, so there is nothing to ${verb}`, {
      hint: `Deploy it first: \`abra app deploy ${app.name}\`.`,
      code: 'app_not_deployed',
    });
  }
  const base = { app: app.name, server: app.server, direction: opts.direction, from: label };
  if (opts.chaos) {
    const release = await resolveRelease({ recipe: app.recipe.name, chaos: true }, deps);
    const deploy = await deployRelease(app, release, { ...opts, kind: opts.direction }, deps);
    return { ...base, to: release.label, candidates: [], notes: [], majorBump: false, deploy };
  }
  const dir = await recipeClone(app.recipe.name, deps);
  const tags = (await deps.git.tags(dir)).map((t) => t.name);
  const found = candidatesFor(label, tags, opts.direction);
  const candidates = found.candidates.map((v) => v.raw);
  let target = defaultTarget(found);
  if (opts.version !== undefined) {
    const asked = parseVersion(opts.version);
    if (!tags.includes(opts.version) || !asked.ok) {
      throw new UserError(`${opts.version} is not a release of recipe ${app.recipe.name}`, {
        hint: `Releases: \`abra recipe versions ${app.recipe.name}\`; \`abra recipe fetch ${app.recipe.name}\` gets new ones.`,
        code: 'recipe_version_unknown',
      });
    }
    if (!candidates.includes(opts.version)) {
      const other = opts.direction === 'upgrade' ? 'rollback' : 'upgrade';
      throw new UserError(
        `${opts.version} is not ${opts.direction === 'upgrade' ? 'newer' : 'older'} than the deployed ${label}`,
        {
          hint:
            opts.version === label
              ? `It is already deployed; \`abra app deploy --force ${app.name}\` redeploys it.`
              : `Use \`abra app ${other} ${app.name} ${opts.version}\`.`,
          code: 'version_direction',
        },
      );
    }
    target = asked.version;
  }
  if (
    opts.version === undefined &&
    opts.askVersion === true &&
    !opts.releaseNotesOnly &&
    deps.prompt.interactive &&
    target !== undefined
  )
    target = await pickVersion(dir, label, found.candidates, target, opts.direction, deps);
  if (target === undefined) {
    if (opts.direction === 'upgrade') {
      deps.events({
        type: 'info',
        message: `${app.name} runs ${label}, the newest release of ${app.recipe.name}; nothing to upgrade.`,
      });
      return { ...base, to: undefined, candidates, notes: [], majorBump: false, deploy: undefined };
    }
    throw new UserError(
      `${app.name} runs ${label}; recipe ${app.recipe.name} has no older release to roll back to`,
      {
        hint: `Releases: \`abra recipe versions ${app.recipe.name}\`.`,
        code: 'no_older_release',
      },
    );
  }
  const crossed = crossedVersions(found.deployed, target, tags);
  const notes = await readNotes(
    dir,
    target.raw,
    crossed.map((v) => v.raw),
    deps,
  );
  const majorBump = isMajorBump(found.deployed, target);
  if (candidates.length > 0)
    deps.events({
      type: 'info',
      message: `${opts.direction === 'upgrade' ? 'Newer' : 'Older'} releases of ${app.recipe.name}: ${candidates.join(', ')}`,
    });
  for (const n of notes)
    deps.events({
      type: 'info',
      message:
        n.source === 'none'
          ? `Release notes for ${n.version}: none`
          : `Release notes for ${n.version}:\n${indent(n.text)}`,
    });
  if (majorBump)
    deps.events({
      type: 'warning',
      message: `${label} -> ${target.raw} is a new major version of the recipe: read the release notes above; it may need manual steps.`,
    });
  if (opts.direction === 'rollback')
    deps.events({
      type: 'warning',
      message:
        'A rollback puts back the older services only: volumes and databases are NOT rolled back. ' +
        'If the newer version migrated data, restore a backup taken before the upgrade.',
    });
  if (opts.releaseNotesOnly)
    return { ...base, to: target.raw, candidates, notes, majorBump, deploy: undefined };
  const release = await resolveRelease({ recipe: app.recipe.name, chaos: false, version: target.raw }, deps);
  const backup = backupFirst(app, opts, deps);
  const deploy = await deployRelease(
    app,
    release,
    { ...opts, kind: opts.direction, ...(backup.step ? { beforeApply: backup.step } : {}) },
    deps,
  );
  return { ...base, to: target.raw, candidates, notes, majorBump, deploy, backup: backup.run() };
}

/** The candidates newest first, each with the first line of its own release notes. */
async function pickVersion(
  dir: string,
  deployed: string,
  candidates: readonly RecipeVersion[],
  fallback: RecipeVersion,
  direction: Direction,
  deps: Pick<DeployDeps, 'git' | 'prompt'>,
): Promise<RecipeVersion> {
  const newestFirst = [...candidates].reverse();
  const notes = await notesOfEach(
    dir,
    newestFirst.map((v) => v.raw),
    deps,
  );
  const chosen = await deps.prompt.select(
    `${direction === 'upgrade' ? 'Upgrade' : 'Roll back'} from ${deployed} to which version?`,
    versionChoices(notes.map((n) => ({ version: n.version, notes: n.text }))),
    { initial: fallback.raw },
  );
  return newestFirst.find((v) => v.raw === chosen) ?? fallback;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

/**
 * The backup an upgrade takes first, under the deploy's own lock, after the plan was confirmed
 * and before anything changes: only for upgrades of apps whose services carry backup labels,
 * unless --no-backup. A failed backup stops the upgrade before it changed anything.
 */
function backupFirst(
  app: ResolvedApp,
  opts: MoveOptions,
  deps: Pick<Deps, 'servers' | 'env' | 'clock'>,
): { step: ((op: Operation) => Promise<string | undefined>) | undefined; run: () => BackupRun | undefined } {
  let taken: BackupRun | undefined;
  if (opts.direction !== 'upgrade' || opts.noBackup) return { step: undefined, run: () => undefined };
  const step = async (op: Operation): Promise<string | undefined> => {
    try {
      taken = await takeBackup(app, op, deps);
    } catch (err) {
      if (err instanceof UserError && err.code === 'backup_not_configured') return undefined;
      throw new UserError(
        `The backup before the upgrade failed, so nothing was upgraded: ${errorMessage(err)}`,
        {
          where: err instanceof UserError ? err.where : undefined,
          hint: `Fix the backup (\`abra app backup create ${app.name}\` shows why), or upgrade without one: \`abra app upgrade ${app.name} --no-backup\`.`,
          code: 'upgrade_backup_failed',
          cause: err,
        },
      );
    }
    const ids = taken.snapshots.map((s) => s.summary.snapshotId.slice(0, 8)).join(', ');
    op.emit({ type: 'info', message: `backed up ${app.name} before the upgrade: snapshot ${ids}` });
    op.changes.push(`backup snapshot ${ids}`);
    return `backup snapshot ${ids}`;
  };
  return { step, run: () => taken };
}
