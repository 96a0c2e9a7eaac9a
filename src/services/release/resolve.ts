import { join } from 'node:path';
import { latestVersion } from '../../domain/version/compare.js';
import { parseVersion } from '../../domain/version/parse.js';
import { UserError } from '../../errors.js';
import { recipeDirOf } from '../../infra/store/recipes.js';
import { readOptional } from '../compose/load-recipe.js';
import type { Deps } from '../deps.js';

/**
 * "The recipe at a version": the one way deploy, upgrade, rollback, `app compose`, secrets
 * and `app new` read a recipe. The rules, in order:
 *
 *  1. `chaos`: the working tree, uncommitted changes included (label `<commit>` or
 *     `<commit>+U` when dirty). A version together with chaos is a usage error.
 *  2. An explicit version, else the version recorded in the app env: a release tag, or any
 *     commit of the clone. Neither: `recipe_version_unknown`, naming where it came from.
 *  3. Nothing asked or recorded: the newest release tag (pre-releases skipped).
 *  4. A recipe without release tags: its current commit (HEAD), with a warning, as Go abra
 *     deploys "the latest commit" of an unreleased recipe. Never the working tree silently.
 *
 * A recipe that is not cloned is `recipe_missing`. Nothing is checked out: files are read
 * straight from git at the revision, so a dirty clone blocks no one.
 */
export interface ReleaseRequest {
  recipe: string;
  /** `abra app deploy <app> <version>`: a tag or a commit. */
  version?: string | undefined;
  /** The version recorded in the app env (RECIPE/TYPE `:version`), and where it is written. */
  recorded?: { version: string | undefined; where: string } | undefined;
  chaos: boolean;
}

export interface Release {
  recipe: string;
  dir: string;
  kind: 'tag' | 'commit' | 'chaos';
  /** The revision files are read at; undefined reads the working tree (chaos). */
  rev: string | undefined;
  /** The full commit, when known. */
  commit: string | undefined;
  /** Shown to people and stored in labels: the tag, a short commit, `<commit>+U` for a dirty tree. */
  label: string;
  /** What the env's RECIPE/TYPE line records after a successful deploy, and the dirty marker. */
  envVersion: string | undefined;
  envDirty: boolean;
  /** Why this version was chosen. */
  reason: 'chaos' | 'argument' | 'recorded' | 'latest' | 'unreleased';
  warnings: string[];
  /** A recipe file at this release (relative path), or undefined when it does not exist there. */
  readFile(relative: string): Promise<string | undefined>;
  /** Several recipe files at this release at once (one git process). */
  readFiles(relative: string[]): Promise<(string | undefined)[]>;
}

export async function resolveRelease(
  req: ReleaseRequest,
  deps: Pick<Deps, 'paths' | 'git'>,
): Promise<Release> {
  const dir = await recipeClone(req.recipe, deps);
  const { git } = deps;
  const atRev = (rev: string): Readers => ({
    readFile: (rel) => git.showFile(dir, rev, rel),
    readFiles: (rels) =>
      git.readFiles(
        dir,
        rels.map((path) => ({ rev, path })),
      ),
  });
  if (req.chaos) {
    if (req.version !== undefined)
      throw new UserError(
        `--chaos uses the working tree of ${req.recipe}, so version ${req.version} cannot be used with it`,
        {
          hint: 'Drop either the version or --chaos.',
          code: 'usage',
        },
      );
    const head = await git.resolveCommit(dir, 'HEAD');
    const dirty = (await git.status(dir)).length > 0;
    const short = head?.slice(0, 8) ?? 'unborn';
    return {
      recipe: req.recipe,
      dir,
      kind: 'chaos',
      rev: undefined,
      commit: head,
      label: `${short}${dirty ? '+U' : ''}`,
      envVersion: head === undefined ? undefined : short,
      envDirty: dirty,
      reason: 'chaos',
      warnings: [],
      readFile: (rel) => readOptional(join(dir, rel)),
      readFiles: (rels) => Promise.all(rels.map((rel) => readOptional(join(dir, rel)))),
    };
  }
  const asked =
    req.version !== undefined
      ? { version: req.version, where: dir, reason: 'argument' as const }
      : req.recorded?.version !== undefined
        ? { version: req.recorded.version, where: req.recorded.where, reason: 'recorded' as const }
        : undefined;
  const refs = await git.tags(dir);
  const tags = refs.map((t) => t.name);
  // The tag list already names each tag's commit; ask git only when it could not (a tag of a tag).
  const tagCommit = async (tag: string) => {
    const ref = refs.find((t) => t.name === tag);
    return ref?.peeledToCommit ? ref.commit : git.resolveCommit(dir, tag);
  };
  if (asked !== undefined) {
    if (tags.includes(asked.version)) {
      return tagRelease(req.recipe, dir, asked.version, await tagCommit(asked.version), asked.reason, atRev);
    }
    const commit = await git.resolveCommit(dir, asked.version);
    if (commit === undefined) throw unknownVersion(req.recipe, asked.version, asked.where, tags);
    const short = commit.slice(0, 8);
    return {
      recipe: req.recipe,
      dir,
      kind: 'commit',
      rev: commit,
      commit,
      label: short,
      envVersion: short,
      envDirty: false,
      reason: asked.reason,
      warnings: [],
      ...atRev(commit),
    };
  }
  const latest = latestVersion(
    tags
      .map((t) => parseVersion(t))
      .flatMap((r) => (r.ok && r.version.prerelease.length === 0 ? [r.version] : [])),
  );
  if (latest !== undefined)
    return tagRelease(req.recipe, dir, latest.raw, await tagCommit(latest.raw), 'latest', atRev);
  const head = await git.resolveCommit(dir, 'HEAD');
  if (head === undefined)
    throw new UserError(`Recipe ${req.recipe} has no commits yet`, {
      where: dir,
      hint: `Commit the recipe first, or use --chaos to read its working tree.`,
      code: 'recipe_empty',
    });
  const short = head.slice(0, 8);
  return {
    recipe: req.recipe,
    dir,
    kind: 'commit',
    rev: head,
    commit: head,
    label: short,
    envVersion: short,
    envDirty: false,
    reason: 'unreleased',
    warnings: [`Recipe ${req.recipe} has no release tags; using its current commit ${short}.`],
    ...atRev(head),
  };
}

/** The recipe's local clone, or `recipe_missing` saying how to get it. */
export async function recipeClone(recipe: string, deps: Pick<Deps, 'paths' | 'git'>): Promise<string> {
  const dir = recipeDirOf(deps.paths, recipe);
  if (!(await deps.git.isRepo(dir))) {
    throw new UserError(`Recipe "${recipe}" is not fetched`, {
      where: dir,
      hint: `Run \`abra recipe fetch ${recipe}\`.`,
      code: 'recipe_missing',
    });
  }
  return dir;
}

type Readers = Pick<Release, 'readFile' | 'readFiles'>;

function tagRelease(
  recipe: string,
  dir: string,
  tag: string,
  commit: string | undefined,
  reason: Release['reason'],
  atRev: (rev: string) => Readers,
): Release {
  return {
    recipe,
    dir,
    kind: 'tag',
    rev: tag,
    commit,
    label: tag,
    envVersion: tag,
    envDirty: false,
    reason,
    warnings: [],
    ...atRev(tag),
  };
}

function unknownVersion(recipe: string, version: string, where: string, tags: string[]): UserError {
  const versions = tags.filter((t) => parseVersion(t).ok).slice(-3);
  return new UserError(`${version} is neither a release tag nor a commit of recipe ${recipe}`, {
    where,
    hint: `${
      versions.length > 0
        ? `Its releases include ${versions.join(', ')}; list them with \`abra recipe versions ${recipe}\`.`
        : 'It has no release tags.'
    } \`abra recipe fetch ${recipe}\` gets new ones.`,
    code: 'recipe_version_unknown',
  });
}
