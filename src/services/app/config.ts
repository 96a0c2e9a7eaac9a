import { spawn } from 'node:child_process';
import { mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeFilesOf } from '../../domain/compose/app-env.js';
import { decodeLossless } from '../../domain/env/bytes.js';
import { type EnvDocument, parseEnv } from '../../domain/env/document.js';
import { recipeOf } from '../../domain/env/recipe.js';
import { isUserError, UserError } from '../../errors.js';
import { writeEnvFile } from '../../infra/store/env-files.js';
import { readIfExists } from '../../infra/store/read.js';
import { recipeDirOf } from '../../infra/store/recipes.js';
import type { Deps } from '../deps.js';
import { findApp } from './find-app.js';

export interface AppConfigResult {
  app: string;
  envFile: string;
  changed: boolean;
  warnings: string[];
}

/** Runs the user's editor on a file and resolves when it exits. */
export type EditFile = (file: string) => Promise<void>;

/**
 * Edit an app's env file in `$EDITOR` (then `$VISUAL`, then vi) on a private copy. The real
 * file is replaced, atomically, only when the edit parses, names a recipe and lists compose
 * files the recipe has; otherwise it stays as it was and the edit is kept for another try.
 */
export async function appConfig(
  opts: { app: string },
  deps: Pick<Deps, 'paths' | 'env' | 'events' | 'prompt' | 'git'>,
  edit: EditFile = editorFor(deps.env),
): Promise<AppConfigResult> {
  const found = await findApp(opts.app, deps.paths);
  // Edit what the link points to, so a symlinked env file stays a symlink.
  const target = await realpath(found.path);
  // Bytes, not text: the file goes back exactly as the editor left it (Latin-1 included).
  const original = await readFile(target);
  const dir = await mkdtemp(join(tmpdir(), 'abra-config-'));
  const copy = join(dir, `${found.app}.env`);
  let keep = false;
  try {
    await writeFile(copy, original, { mode: 0o600 });
    await edit(copy);
    const edited = await readFile(copy);
    const base = { app: found.app, envFile: found.path };
    if (edited.equals(original)) return { ...base, changed: false, warnings: [] };
    keep = true;
    const warnings = await checkEditedEnv(decodeLossless(edited), found.path, copy, deps);
    if (!(await readFile(target)).equals(original))
      throw new UserError(
        `${found.path} changed while you were editing it; it was left as the other writer made it`,
        {
          where: found.path,
          hint: `Your edit is kept in ${copy}: compare the two and run \`abra app config ${found.app}\` again.`,
          code: 'env_changed_meanwhile',
        },
      );
    await writeEnvFile(target, edited);
    keep = false;
    return { ...base, changed: true, warnings };
  } finally {
    if (!keep) await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The editor command runs through sh like git runs it, so `EDITOR="code --wait"` works; the
 * file is passed as "$1", never spliced into the command line.
 */
export function editorFor(env: NodeJS.ProcessEnv): EditFile {
  const editor = env.EDITOR || env.VISUAL || 'vi';
  return (file) =>
    new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', `${editor} "$@"`, editor, file], { stdio: 'inherit', env });
      child.once('error', (err) =>
        reject(
          new UserError(`Cannot start the editor "${editor}": ${err.message}`, {
            hint: 'Set EDITOR to an editor installed here, e.g. `EDITOR=nano abra app config <app>`.',
            code: 'editor_failed',
            cause: err,
          }),
        ),
      );
      child.once('close', (code, signal) => {
        if (code === 0) return resolve();
        reject(
          new UserError(
            `The editor "${editor}" ${signal ? `was stopped by ${signal}` : `exited with status ${code}`}; nothing was saved`,
            {
              hint:
                code === 127
                  ? 'The editor was not found: set EDITOR to one installed here, e.g. `EDITOR=nano`.'
                  : 'Run `abra app config` again and save before quitting.',
              code: 'editor_failed',
            },
          ),
        );
      });
    });
}

/**
 * Why an edited env cannot replace the app's: it does not parse, names no recipe, or lists
 * compose files the recipe (at the version the env records) does not have. Returns warnings
 * for what could not be checked (recipe not fetched).
 */
export async function checkEditedEnv(
  text: string,
  envFile: string,
  /** Where the edit is kept for another try (the terminal editor's copy); none from a form. */
  copy: string | undefined,
  deps: Pick<Deps, 'paths' | 'git'>,
): Promise<string[]> {
  const rejected = (err: UserError) =>
    new UserError(`Not saved, ${envFile} is unchanged: ${err.message}`, {
      where: err.where ?? envFile,
      hint: `${err.hint ?? 'Fix it and save again.'}${copy ? ` Your edit is kept in ${copy}.` : ''}`,
      code: err.code,
    });
  let doc: EnvDocument;
  let ref: ReturnType<typeof recipeOf>;
  try {
    doc = parseEnv(text, envFile);
    ref = recipeOf(doc.values(), envFile);
  } catch (err) {
    if (!isUserError(err)) throw err;
    const line = lineOf(text, /^\s*(?:export\s+)?(?:RECIPE|TYPE)=/m);
    throw rejected(err.code === 'env_recipe_invalid' && line ? withWhere(err, `${envFile}:${line}`) : err);
  }
  const files = composeFilesOf(doc.values());
  const line = doc.entries().findLast((e) => e.key === 'COMPOSE_FILE')?.line;
  const at = line === undefined ? envFile : `${envFile}:${line}`;
  const outside = files.find((f) => f.startsWith('/') || f.split('/').includes('..'));
  if (outside !== undefined)
    throw rejected(
      new UserError(`COMPOSE_FILE entry ${outside} points outside the recipe`, {
        where: at,
        hint: 'List files relative to the recipe directory, e.g. compose.yml:compose.smtp.yml.',
        code: 'compose_file_invalid',
      }),
    );
  const recipeDir = recipeDirOf(deps.paths, ref.name);
  const git = deps.git;
  if (!(await git.isRepo(recipeDir)))
    return [
      `Recipe ${ref.name} is not fetched, so COMPOSE_FILE was not checked (\`abra recipe fetch ${ref.name}\`).`,
    ];
  if (ref.version !== undefined && (await git.resolveCommit(recipeDir, ref.version)) === undefined)
    return [
      `Version ${ref.version} of recipe ${ref.name} is not in the local clone, so COMPOSE_FILE was not checked.`,
    ];
  const contents =
    ref.version === undefined
      ? await Promise.all(files.map((f) => readIfExists(join(recipeDir, f), 'The compose file')))
      : await git.readFiles(
          recipeDir,
          files.map((path) => ({ rev: ref.version as string, path })),
        );
  const missing = files.filter((_, i) => contents[i] === undefined);
  if (missing.length > 0)
    throw rejected(
      new UserError(
        `COMPOSE_FILE names ${missing.join(', ')}, which recipe ${ref.name} (${ref.version ?? 'working tree'}) does not have`,
        {
          where: at,
          hint: `Use files of ${recipeDir}, e.g. compose.yml:compose.smtp.yml.`,
          code: 'compose_file_missing',
        },
      ),
    );
  return [];
}

function withWhere(err: UserError, where: string): UserError {
  return new UserError(err.message, { where, ...(err.hint ? { hint: err.hint } : {}), code: err.code });
}

function lineOf(text: string, pattern: RegExp): number | undefined {
  const m = pattern.exec(text);
  return m ? text.slice(0, m.index).split('\n').length : undefined;
}
