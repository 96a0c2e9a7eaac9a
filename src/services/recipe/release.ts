import { mkdir, rm, stat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setVersionLabel } from '../../domain/recipe/version-label.js';
import type { Bump } from '../../domain/release/next-version.js';
import { Cancelled, UserError } from '../../errors.js';
import type { StatusEntry } from '../../infra/git/parse.js';
import { writeFileAtomic } from '../../infra/store/atomic.js';
import { readBytesIfExists, readRegularIfExists } from '../../infra/store/read.js';
import { type EditFile, editorFor } from '../app/config.js';
import type { RecipeDeps } from './deps.js';
import { gitIdentity } from './identity.js';
import { editNotes } from './release-notes.js';
import {
  COMPOSE_FILE,
  type PlannedVersion,
  plannedVersion,
  planVersion,
  type VersionPlan,
} from './release-plan.js';
import { writeCompose } from './sync.js';

export const RELEASE_REMOTE = 'origin';
const NEXT_NOTES = 'release/next';

export interface RecipeReleaseOptions {
  name: string;
  version?: string | undefined;
  bump?: Bump | undefined;
  /** --notes: text, or a path to a file holding it. */
  notes?: string | undefined;
  publish: boolean;
  dryRun: boolean;
}

export type NotesSource = 'option' | 'file' | 'existing' | 'next' | 'editor' | 'none';

export interface RecipeReleaseResult extends PlannedVersion {
  /** `release/<version>` and where its text came from; path undefined when there are no notes. */
  notes: { path: string | undefined; source: NotesSource };
  commitMessage: string;
  /** The release commit (undefined in a dry run, or when HEAD already held everything). */
  commit: string | undefined;
  tag: string;
  branch: string;
  /** Where --publish pushes (or pushed) the branch and the tag. */
  publish: { remote: string; refs: string[] } | undefined;
  dryRun: boolean;
}

/** abra's words for both the release commit and the annotated tag's message. */
export function releaseMessage(version: string): string {
  return `chore: publish ${version} release`;
}

/**
 * Release a recipe as Go abra does: the version label, release notes in `release/<version>`,
 * one commit, an annotated tag, and with `publish` a push of both to origin. Every check runs
 * before the first write; a failure after it undoes what this run wrote.
 */
export async function recipeRelease(
  opts: RecipeReleaseOptions,
  deps: RecipeDeps,
  edit: EditFile = editorFor(deps.env),
): Promise<RecipeReleaseResult> {
  const plan = await planVersion(
    { name: opts.name, version: opts.version, bump: opts.bump, useLabel: true },
    deps,
  );
  const { dir, version } = plan;
  const head = await deps.git.resolveCommit(dir, 'HEAD');
  if (head === undefined)
    throw new UserError(`Recipe "${opts.name}" has no commits yet`, {
      where: dir,
      hint: 'Commit the recipe first (`git add -A && git commit`), then release it. Nothing was changed.',
      code: 'release_no_commits',
    });
  const branch = await deps.git.currentBranch(dir);
  if (branch === undefined)
    throw new UserError(`Recipe "${opts.name}" is not on a branch (HEAD is detached)`, {
      where: dir,
      hint: 'Check out the branch to release from (e.g. `git checkout main`), then run the command again. Nothing was changed.',
      code: 'release_detached',
    });
  const notesPath = `release/${version}`;
  await refuseDirty(plan, notesPath, head, deps);
  if (opts.publish && !(await deps.git.remotes(dir)).includes(RELEASE_REMOTE))
    throw new UserError(`Recipe "${opts.name}" has no "${RELEASE_REMOTE}" remote to publish to`, {
      where: dir,
      hint: `Add it (\`git -C ${dir} remote add ${RELEASE_REMOTE} <url>\`), or release without --publish. Nothing was changed.`,
      code: 'release_no_remote',
    });

  const notes = await chooseNotes(opts, plan, notesPath, deps);
  const tag = version;
  const result: RecipeReleaseResult = {
    ...plannedVersion(plan),
    dir,
    version,
    notes: { path: notes.source === 'none' ? undefined : notesPath, source: notes.source },
    commitMessage: releaseMessage(version),
    commit: undefined,
    tag,
    branch,
    publish: opts.publish
      ? { remote: RELEASE_REMOTE, refs: [`refs/heads/${branch}:refs/heads/${branch}`, `refs/tags/${tag}`] }
      : undefined,
    dryRun: opts.dryRun,
  };
  if (opts.dryRun) return result;
  if (
    deps.prompt.interactive &&
    !(await deps.prompt.confirm(
      `Release ${plan.recipe} ${version} (previous: ${plan.previous ?? 'none'})${opts.publish ? ` and push it to ${RELEASE_REMOTE}` : ''}?`,
    ))
  )
    throw new Cancelled('Release cancelled; nothing was changed.');

  let text = notes.text;
  if (notes.source === 'editor') {
    text = await editNotes(plan, edit);
    if (text === undefined) {
      result.notes = { path: undefined, source: 'none' };
      warnNoNotes(version, deps);
    }
  }
  const undo = await snapshot(dir, [COMPOSE_FILE, notesPath, NEXT_NOTES]);
  let committed = false;
  try {
    await writeCompose(dir, plan.composeAfter);
    const paths = [COMPOSE_FILE];
    if (text !== undefined) {
      await mkdir(join(dir, 'release'), { recursive: true });
      await writeFileAtomic(join(dir, notesPath), text, 0o644);
    }
    // Notes written by hand beforehand may be uncommitted: they belong to this release too.
    if (text !== undefined || notes.source === 'existing') paths.push(notesPath);
    if (notes.source === 'next') {
      const tracked = (await deps.git.showFile(dir, head, NEXT_NOTES)) !== undefined;
      await unlink(join(dir, NEXT_NOTES));
      // An untracked release/next just goes; a committed one is deleted in the release commit.
      if (tracked) paths.push(NEXT_NOTES);
    }
    await deps.git.add(dir, paths);
    const who = await gitIdentity(
      dir,
      {},
      deps,
      'the release commit and tag',
      'Set it with `git config --global user.name/user.email`.',
    );
    if ((await deps.git.status(dir)).some((e) => !e.untracked && e.index !== ' ')) {
      result.commit = await deps.git.commit(dir, releaseMessage(version), who);
      committed = true;
    } else {
      deps.events({
        type: 'info',
        message: `HEAD already holds ${version}; tagging it without a new commit`,
      });
    }
    await deps.git.createAnnotatedTag(dir, tag, releaseMessage(version), who);
  } catch (err) {
    await rollBack(dir, head, committed, undefined, undo, deps);
    throw err;
  }
  if (result.publish) {
    try {
      await deps.git.push(dir, RELEASE_REMOTE, result.publish.refs);
    } catch (err) {
      await rollBack(dir, head, committed, tag, undo, deps);
      throw new UserError(`Publishing ${version} to ${RELEASE_REMOTE} failed, so the release was undone`, {
        where: dir,
        hint: `The commit and tag were removed and the recipe is as before. Fix the push (git said: ${(err as Error).message}), then run the same command again.`,
        code: 'release_push_failed',
        cause: err,
      });
    }
  }
  return result;
}

/** Only what this release writes may differ from HEAD: the version label and its notes file. */
async function refuseDirty(
  plan: VersionPlan,
  notesPath: string,
  head: string,
  deps: RecipeDeps,
): Promise<void> {
  const status = await deps.git.status(plan.dir);
  const others: StatusEntry[] = [];
  for (const e of status) {
    // The notes file this release commits, and release/next which becomes it.
    if ((e.path === notesPath || e.path === NEXT_NOTES) && e.worktree !== 'D' && e.index !== 'D') continue;
    if (e.path === COMPOSE_FILE && !e.untracked && (await onlyLabelDiffers(plan, head, deps))) continue;
    others.push(e);
  }
  if (others.length === 0) return;
  const names = others.map((e) => e.path);
  const list =
    names.length <= 5 ? names.join(', ') : `${names.slice(0, 5).join(', ')} and ${names.length - 5} more`;
  throw new UserError(`Recipe "${plan.recipe}" has uncommitted changes: ${list}`, {
    where: plan.dir,
    hint: `A release commits only the version label and release/${plan.version}. Commit the other changes first (or discard them with \`abra recipe reset ${plan.recipe}\`; \`abra recipe diff ${plan.recipe}\` shows them). Nothing was changed.`,
    code: 'release_dirty',
  });
}

/** compose.yml differs from HEAD in the version label's value only (a `recipe sync`). */
async function onlyLabelDiffers(plan: VersionPlan, head: string, deps: RecipeDeps): Promise<boolean> {
  const committed = await deps.git.showFile(plan.dir, head, COMPOSE_FILE);
  if (committed === undefined || plan.label.from === undefined) return false;
  try {
    return setVersionLabel(committed, plan.label.from, COMPOSE_FILE).text === plan.composeBefore;
  } catch {
    return false;
  }
}

interface ChosenNotes {
  source: NotesSource;
  /** The text to write; undefined when the file is kept as it is, or there are none. */
  text?: string;
}

async function chooseNotes(
  opts: RecipeReleaseOptions,
  plan: VersionPlan,
  notesPath: string,
  deps: RecipeDeps,
): Promise<ChosenNotes> {
  const existing = await readRegularIfExists(join(plan.dir, notesPath), 'The release notes file');
  if (opts.notes !== undefined) {
    if (existing !== undefined)
      throw new UserError(`${notesPath} already exists in recipe "${plan.recipe}"`, {
        where: join(plan.dir, notesPath),
        hint: 'Drop --notes to release with that file, or delete the file to use --notes. Nothing was changed.',
        code: 'release_notes_exist',
      });
    const file = await notesFile(resolve(deps.cwd, opts.notes));
    const text = file ?? opts.notes;
    if (text.trim() === '') {
      warnNoNotes(plan.version, deps);
      return { source: 'none' };
    }
    return { source: file === undefined ? 'option' : 'file', text: text.endsWith('\n') ? text : `${text}\n` };
  }
  if (existing !== undefined) return { source: 'existing' };
  const next = await readBytesIfExists(join(plan.dir, NEXT_NOTES), NEXT_NOTES);
  if (next !== undefined) return { source: 'next', text: next.toString('utf8') };
  if (deps.prompt.interactive) return { source: 'editor' };
  warnNoNotes(plan.version, deps);
  return { source: 'none' };
}

/** `--notes` names a file when something is there; anything else (no such path) is the text. */
async function notesFile(path: string): Promise<string | undefined> {
  try {
    await stat(path);
  } catch {
    return undefined;
  }
  return readRegularIfExists(path, 'The --notes file');
}

function warnNoNotes(version: string, deps: Pick<RecipeDeps, 'events'>): void {
  deps.events({
    type: 'warning',
    message: `No release notes for ${version}: operators see none during \`abra app upgrade\`. Pass --notes "<text>" (or a file) to add them.`,
  });
}

interface FileState {
  path: string;
  bytes: Buffer | undefined;
  mode: number;
}

async function snapshot(dir: string, paths: string[]): Promise<FileState[]> {
  return Promise.all(
    paths.map(async (path) => {
      const bytes = await readBytesIfExists(join(dir, path), path);
      const mode = bytes === undefined ? 0o644 : (await stat(join(dir, path))).mode & 0o777;
      return { path, bytes, mode };
    }),
  );
}

/** Back to HEAD before this run, then the files this run touched as they were (a synced label). */
async function rollBack(
  dir: string,
  head: string,
  committed: boolean,
  tag: string | undefined,
  files: FileState[],
  deps: RecipeDeps,
): Promise<void> {
  try {
    if (tag !== undefined) await deps.git.deleteTag(dir, tag);
    await deps.git.resetHard(dir, head);
    for (const f of files) {
      const path = join(dir, f.path);
      if (f.bytes === undefined) await rm(path, { force: true });
      else await writeFileAtomic(path, f.bytes, f.mode);
    }
  } catch (err) {
    deps.events({
      type: 'warning',
      message: `Could not undo the release in ${dir}${committed ? ` (the release commit is on top of ${head.slice(0, 12)})` : ''}: ${(err as Error).message}`,
    });
  }
}
