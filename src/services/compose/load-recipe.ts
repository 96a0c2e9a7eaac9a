import { join } from 'node:path';
import { composeEnv, composeFilesOf } from '../../domain/compose/app-env.js';
import { type ComposeSchemaValidator, loadCompose } from '../../domain/compose/load.js';
import type { ComposeConfig } from '../../domain/compose/types.js';
import { readAbraShExports } from '../../domain/env/abra-sh.js';
import type { EnvDocument } from '../../domain/env/document.js';
import { UserError } from '../../errors.js';
import { precompiledComposeValidators } from '../../infra/compose/precompiled.js';
import { readIfExists } from '../../infra/store/read.js';

export interface LoadRecipeComposeOptions {
  recipeDir: string;
  /** The app env (or a recipe's .env.sample when no app is involved). */
  env: EnvDocument;
  /** App name = domain; gives STACK_NAME. */
  domain: string;
  /** Skip schema validation (only for tools that want to see an invalid file merged). */
  validate?: boolean;
  /**
   * Read recipe files by their paths relative to the recipe (undefined where one does not
   * exist), all at once; default: the working tree. Deploys and `app compose` read the app's
   * pinned version straight from git instead (one `git cat-file --batch`).
   */
  readRecipeFiles?: (relativePaths: string[]) => Promise<(string | undefined)[]>;
}

export interface RecipeCompose {
  files: string[];
  env: Record<string, string>;
  /** The recipe's abra.sh exports (part of `env`), read as text. */
  abraSh: Record<string, string>;
  config: ComposeConfig;
}

/** Created once per process on first use: compiling schemas is the expensive part of loading. */
export function createValidatorLoader(): () => Promise<ComposeSchemaValidator> {
  let validator: Promise<ComposeSchemaValidator> | undefined;
  return () => {
    validator ??= loadValidator();
    return validator;
  };
}

/**
 * The built CLI has each schema's validator generated ahead of time; from source, ajv compiles
 * them (test/unit/compose-schema-standalone checks both give the same answers).
 */
async function loadValidator(): Promise<ComposeSchemaValidator> {
  const precompiled = precompiledComposeValidators();
  if (precompiled)
    return (await import('../../domain/compose/schema/validator.js')).composeValidatorOf(precompiled);
  return (await import('../../domain/compose/schema/index.js')).createComposeValidator();
}

/**
 * The compose files named by the env's COMPOSE_FILE, interpolated with the env, the recipe's
 * abra.sh exports and STACK_NAME, validated and merged: what abra deploys for this app.
 */
export async function loadRecipeCompose(
  opts: LoadRecipeComposeOptions,
  validator: () => Promise<ComposeSchemaValidator>,
): Promise<RecipeCompose> {
  const values = opts.env.values();
  const readAll =
    opts.readRecipeFiles ??
    ((rels: string[]) => Promise.all(rels.map((rel) => readOptional(join(opts.recipeDir, rel)))));
  const names = composeFilesOf(values);
  // Names come from COMPOSE_FILE: never let one climb out of the recipe.
  for (const name of names)
    if (name.split('/').includes('..'))
      throw new UserError(`COMPOSE_FILE entry ${name} points outside the recipe`, {
        where: opts.env.file,
        hint: 'List files relative to the recipe directory, e.g. compose.yml:compose.smtp.yml.',
        code: 'compose_file_invalid',
      });
  // abra.sh and every compose file in one read (one git process at a revision).
  const [abraSh, ...texts] = await readAll(['abra.sh', ...names]);
  const exports = abraSh === undefined ? {} : readAbraShExports(abraSh);
  const env = composeEnv(values, exports, opts.domain);
  const files = names.map((n) => join(opts.recipeDir, n));
  const sources = files.map((file, i) => {
    const text = texts[i];
    if (text === undefined) {
      const line = opts.env.entries().findLast((e) => e.key === 'COMPOSE_FILE')?.line;
      throw new UserError(`COMPOSE_FILE names ${names[i]}, which does not exist in the recipe`, {
        where: line ? `${opts.env.file}:${line} (COMPOSE_FILE)` : opts.env.file,
        hint: `Recipe files: see ${opts.recipeDir}. Fix the name, or check out a recipe version that has it.`,
        code: 'compose_file_missing',
      });
    }
    return { file, text };
  });
  const config = loadCompose({
    files: sources,
    workingDir: opts.recipeDir,
    env,
    ...(opts.validate === false ? {} : { validator: await validator() }),
  });
  return { files, env, abraSh: exports, config };
}

/** A working-tree file: undefined when missing, any other failure says what it is. */
export function readOptional(path: string): Promise<string | undefined> {
  return readIfExists(path, 'The recipe file', { strictUtf8: true });
}
