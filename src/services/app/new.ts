import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { parseEnv } from '../../domain/env/document.js';
import { stackNameOf } from '../../domain/stack/contract.js';
import { UserError } from '../../errors.js';
import { listAppEnvFiles, writeEnvFile } from '../../infra/store/env-files.js';
import { childPath } from '../../infra/store/safe-path.js';
import type { Deps } from '../deps.js';
import { runOperation } from '../operation/run.js';
import { recipeDeps } from '../recipe/deps.js';
import { recipeFetch } from '../recipe/fetch.js';
import { localRecipeDir } from '../recipe/local.js';
import { secretSpecsFor } from '../secret/context.js';
import { planAll, type SkippedSecret, store, weakSecretWarnings } from '../secret/generate.js';
import type { GeneratedValue } from '../secret/values.js';
import { askNewApp } from './new-ask.js';
import { APP_ENV_NAME, checkDomain, newAppEnv } from './new-env.js';
import { newAppSource, readSample } from './new-version.js';

export interface AppNewOptions {
  recipe: string | undefined;
  version: string | undefined;
  server: string | undefined;
  domain: string | undefined;
  /** Generate every secret of the recipe on the server right away. */
  secrets: boolean;
  /** Start from the recipe's working tree instead of a release tag. */
  chaos: boolean;
  /** Global --offline: a recipe that is not fetched is an error instead of a clone. */
  offline: boolean;
}

export interface AppNewResult {
  app: string;
  server: string;
  envFile: string;
  recipe: string;
  /** What TYPE/RECIPE records after `:` (undefined with --chaos). */
  version: string | undefined;
  /** `1.2.0+1.27.2`, `commit 1a2b3c4d` or `working tree`. */
  source: string;
  secrets: GeneratedValue[];
  skippedSecrets: SkippedSecret[];
  warnings: string[];
}

/**
 * Create an app: write `servers/<server>/<domain>.env` from the recipe's .env.sample at the
 * chosen version and, with `secrets`, generate its secrets on the server. Everything that can
 * fail is checked before the file is written; if storing secrets fails, the file is removed.
 */
export async function appNew(
  opts: AppNewOptions,
  deps: Pick<
    Deps,
    | 'paths'
    | 'servers'
    | 'env'
    | 'events'
    | 'prompt'
    | 'git'
    | 'docker'
    | 'composeValidator'
    | 'signals'
    | 'machineId'
    | 'argv'
    | 'clock'
    | 'operator'
  >,
): Promise<AppNewResult> {
  // On a terminal, what is missing is asked; the answers then go the way arguments would.
  if (deps.prompt.interactive && (!opts.recipe || !opts.server || !opts.domain))
    opts = await askNewApp(opts, deps);
  const recipe = required(opts.recipe, 'a recipe', 'the first argument: `abra app new <recipe>`');
  const server = required(opts.server, '--server', '`--server <server>` (-s), one of `abra server ls`');
  const domain = required(
    opts.domain,
    '--domain',
    '`--domain <domain>` (-D), e.g. --domain cloud.example.com',
  );
  checkDomain(domain);
  await checkServer(server, deps);
  const envFile = childPath(deps.servers.dirOf(server), `${domain}.env`, APP_ENV_NAME);
  await checkUnique(domain, deps);

  const git = deps.git;
  const rdeps = recipeDeps(deps);
  // As the terminal path does: a recipe not fetched yet is cloned (from the catalogue's URL).
  if (!opts.offline && (await rdeps.recipes.state(recipe)) === 'absent')
    await recipeFetch({ target: recipe, all: false, offline: false }, rdeps);
  const recipeDir = await localRecipeDir(recipe, rdeps);
  const source = await newAppSource(recipe, opts, deps);
  const sample = await readSample(recipeDir, recipe, source, git);
  // A broken sample is the recipe's fault: point at it, not at the env file not yet written.
  parseEnv(
    sample,
    source.rev === undefined ? join(recipeDir, '.env.sample') : `${recipeDir} (${source.rev}:.env.sample)`,
  );
  const doc = newAppEnv(sample, { recipe, domain, version: source.version, file: envFile });

  const base = {
    app: domain,
    server,
    envFile,
    recipe,
    version: source.version,
    source: source.label,
    warnings: source.warnings,
  };
  if (!opts.secrets) {
    await writeEnvFile(envFile, doc);
    return { ...base, secrets: [], skippedSecrets: [] };
  }

  const specs = await secretSpecsFor({ recipeDir, rev: source.rev }, doc, domain, deps);
  const client = deps.docker.client(server);
  const ctx = { app: domain, server, envFile, stack: stackNameOf(domain), specs };
  const plan = await planAll(client, ctx);
  if (plan.existing.length > 0)
    throw new UserError(
      `Secrets of ${domain} already exist on ${server}: ${plan.existing.map((s) => s.remoteName).join(', ')}`,
      {
        where: `server ${server}`,
        hint:
          'They are left over from an earlier app with this domain. Remove them on the server ' +
          `(\`docker secret rm ${plan.existing.map((s) => s.remoteName).join(' ')}\`), or create the app without --secrets and reuse them.`,
        code: 'secret_exists',
      },
    );
  await writeEnvFile(envFile, doc);
  try {
    // Creating secrets changes the server: locked and audited like every other change.
    const secrets = await runOperation(
      { kind: 'new', app: domain, server, version: { to: source.label } },
      deps,
      async (op) => {
        op.checkpoint();
        return store(client, ctx, plan.toCreate, op.emit);
      },
    );
    const warnings = [...base.warnings, ...weakSecretWarnings(ctx, plan.toCreate)];
    return { ...base, warnings, secrets, skippedSecrets: plan.skipped };
  } catch (err) {
    // No half-made app: without its secrets the env would just be a trap for the next try.
    await unlink(envFile).catch(() => undefined);
    throw err;
  }
}

function required(value: string | undefined, what: string, how: string): string {
  if (value !== undefined && value !== '') return value;
  throw new UserError(`Missing ${what}: abra does not ask without a terminal or with --no-input`, {
    hint: `Give ${how}.`,
    code: 'usage',
  });
}

async function checkServer(server: string, deps: Pick<Deps, 'servers'>): Promise<void> {
  if (await deps.servers.exists(server)) return;
  const known = (await deps.servers.list()).map((s) => s.name);
  throw new UserError(`Unknown server "${server}"`, {
    where: deps.servers.dirOf(server),
    hint:
      known.length > 0
        ? `Known servers: ${known.join(', ')}. Add a new one with \`abra server add ${server}\`.`
        : `Add it first with \`abra server add ${server}\` (or \`abra server add --local\`).`,
    code: 'server_unknown',
  });
}

/** App names are unique across servers, and so must be the stack names they map to. */
async function checkUnique(domain: string, deps: Pick<Deps, 'paths'>): Promise<void> {
  const stack = stackNameOf(domain);
  for (const app of await listAppEnvFiles(deps.paths)) {
    if (app.app === domain)
      throw new UserError(`App ${domain} already exists on server ${app.server}`, {
        where: app.path,
        hint: `Choose another domain, or edit the existing app with \`abra app config ${domain}\`.`,
        code: 'app_exists',
      });
    if (stackNameOf(app.app) === stack)
      throw new UserError(`App ${app.app} on ${app.server} already uses the stack name ${stack}`, {
        where: app.path,
        hint: 'Stack names are the domain with "." as "_", cut to 45 characters; choose a domain that differs earlier.',
        code: 'app_stack_clash',
      });
  }
}
