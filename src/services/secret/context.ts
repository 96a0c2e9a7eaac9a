import type { EnvDocument } from '../../domain/env/document.js';
import { isValidSecretVersion, nextSecretVersion } from '../../domain/secret/names.js';
import { type SecretSpec, secretSpecsOf } from '../../domain/secret/spec.js';
import { stackNameOf } from '../../domain/stack/contract.js';
import { UserError } from '../../errors.js';
import { recipeDirOf } from '../../infra/store/recipes.js';
import { recordedRelease } from '../app/recorded-release.js';
import { loadRecipeCompose } from '../compose/load-recipe.js';
import type { Deps } from '../deps.js';

export type SecretDeps = Pick<
  Deps,
  | 'paths'
  | 'env'
  | 'events'
  | 'prompt'
  | 'git'
  | 'composeValidator'
  | 'docker'
  | 'signals'
  | 'machineId'
  | 'argv'
  | 'clock'
>;

/** An app and the secrets its recipe declares, read from the recipe version it records. */
export interface AppSecrets {
  app: string;
  server: string;
  envFile: string;
  stack: string;
  recipe: string;
  /** The recipe version read (a tag or short commit). */
  source: string;
  /** The revision it was read at. */
  rev: string | undefined;
  env: EnvDocument;
  specs: SecretSpec[];
}

export interface RecipeAt {
  recipeDir: string;
  /** A tag or commit to read the recipe at; undefined reads the working tree. */
  rev: string | undefined;
}

/** The secrets a recipe (at a revision) declares for an app env, which may not be on disk yet. */
export async function secretSpecsFor(
  at: RecipeAt,
  env: EnvDocument,
  domain: string,
  deps: Pick<Deps, 'env' | 'events' | 'prompt' | 'git' | 'composeValidator'>,
): Promise<SecretSpec[]> {
  const git = deps.git;
  const rev = at.rev;
  const loaded = await loadRecipeCompose(
    {
      recipeDir: at.recipeDir,
      env,
      domain,
      ...(rev === undefined
        ? {}
        : {
            readRecipeFiles: (rels: string[]) =>
              git.readFiles(
                at.recipeDir,
                rels.map((path) => ({ rev, path })),
              ),
          }),
    },
    deps.composeValidator,
  );
  return secretSpecsOf(loaded.config, env, stackNameOf(domain));
}

export async function loadAppSecrets(app: string, deps: SecretDeps): Promise<AppSecrets> {
  // The secrets of the version deploy would use, read the way deploy reads it.
  const { found, env, ref, release } = await recordedRelease(app, false, deps);
  const specs = await secretSpecsFor({ recipeDir: release.dir, rev: release.rev }, env, found.app, deps);
  return {
    app: found.app,
    server: found.server,
    envFile: found.path,
    stack: stackNameOf(found.app),
    recipe: ref.name,
    source: release.label,
    rev: release.rev,
    env,
    specs,
  };
}

/** The named secret, or a UserError listing the ones the recipe has. */
export function specNamed(ctx: AppSecrets, name: string): SecretSpec {
  const spec = ctx.specs.find((s) => s.name === name);
  if (spec !== undefined) return spec;
  const known = ctx.specs.map((s) => s.name);
  throw new UserError(`App ${ctx.app} has no secret "${name}"`, {
    where: `recipe ${ctx.recipe} (${ctx.source}), files in COMPOSE_FILE of ${ctx.envFile}`,
    hint:
      known.length > 0
        ? `Its secrets are: ${known.join(', ')}. See \`abra app secret ls ${ctx.app}\`.`
        : 'Its compose files declare no external secrets used by a service; check COMPOSE_FILE.',
    code: 'secret_unknown',
  });
}

/**
 * The spec of a secret at another version than the env's (`generate app name v2`): the
 * recipe's `name:` is interpolated again with that version, so the swarm name stays the
 * recipe's own pattern.
 */
export async function specAtVersion(
  ctx: AppSecrets,
  spec: SecretSpec,
  version: string | undefined,
  deps: SecretDeps,
): Promise<SecretSpec> {
  if (version === undefined || version === spec.version) return spec;
  if (!isValidSecretVersion(version))
    throw new UserError(`"${version}" is not a valid secret version`, {
      hint: 'Use letters, digits, ".", "-" and "_", starting with a letter or digit, e.g. v2.',
      code: 'secret_version_invalid',
    });
  const env = ctx.env.set(spec.envKey, version);
  const recipeDir = recipeDirOf(deps.paths, ctx.recipe);
  const rev = ctx.rev;
  const again = (await secretSpecsFor({ recipeDir, rev }, env, ctx.app, deps)).find(
    (s) => s.name === spec.name,
  );
  if (again === undefined || again.version !== version)
    throw new UserError(
      `The recipe does not version secret "${spec.name}" with ${spec.envKey}, so version ${version} cannot be chosen`,
      {
        where: `recipe ${ctx.recipe} (${ctx.source})`,
        hint: `Its swarm name is ${spec.remoteName}; leave out the version to use it.`,
        code: 'secret_version_unversioned',
      },
    );
  return again;
}

/** `file:line` of a secret's env line, or the file. */
export function whereOf(ctx: Pick<AppSecrets, 'envFile'>, spec: SecretSpec): string {
  return spec.envLine === undefined ? ctx.envFile : `${ctx.envFile}:${spec.envLine}`;
}

/** What to do when a secret already exists: swarm secrets are immutable, so rotate. */
export function rotateHint(ctx: Pick<AppSecrets, 'app' | 'envFile'>, spec: SecretSpec): string {
  const next = nextSecretVersion(spec.version);
  return (
    `Swarm secrets cannot be changed. To rotate, raise ${spec.envKey} to ${next} in ${ctx.envFile} ` +
    `(\`abra app config ${ctx.app}\`), run \`abra app secret generate ${ctx.app} ${spec.name}\`, then redeploy. ` +
    `To replace it at the same version instead: \`abra app secret rm ${ctx.app} ${spec.name}\` first.`
  );
}

/** A secret whose swarm name Docker would refuse: nothing can be created for it. */
export function nameProblemError(ctx: Pick<AppSecrets, 'envFile'>, spec: SecretSpec): UserError {
  return new UserError(`Secret ${spec.name} cannot be created: ${spec.nameProblem}`, {
    where: whereOf(ctx, spec),
    hint: 'Fix the app env or the recipe as described, then retry.',
    code: 'secret_name_invalid',
  });
}
