import { defaultDomain, recipeChoices, versionChoices } from '../../domain/prompt/choices.js';
import { stackNameOf } from '../../domain/stack/contract.js';
import { compareVersions } from '../../domain/version/compare.js';
import { parseVersion } from '../../domain/version/parse.js';
import { Cancelled, isUserError } from '../../errors.js';
import { listAppEnvFiles } from '../../infra/store/env-files.js';
import { freshCatalogue } from '../catalogue/fresh.js';
import type { Deps } from '../deps.js';
import { recipeDeps } from '../recipe/deps.js';
import { recipeFetch } from '../recipe/fetch.js';
import { localRecipeDir } from '../recipe/local.js';
import { notesOfEach } from '../release/notes.js';
import type { AppNewOptions } from './new.js';
import { checkDomain } from './new-env.js';

/** A picker shows this many releases with their notes; older ones are still given by argument. */
const VERSIONS_SHOWN = 20;

export type AskDeps = Pick<Deps, 'paths' | 'servers' | 'events' | 'prompt' | 'git' | 'env'>;

/**
 * `app new` with arguments missing, on a terminal: ask for the recipe, server, domain and
 * version, then confirm. Returns the options as if they had been given, so the rest of
 * `app new` runs exactly as without a terminal. Nothing is written here (a recipe chosen from
 * the catalogue is fetched, as `abra recipe fetch` would).
 */
export async function askNewApp(opts: AppNewOptions, deps: AskDeps): Promise<AppNewOptions> {
  const { prompt } = deps;
  const rdeps = recipeDeps(deps);
  let recipe = opts.recipe;
  if (!recipe) {
    const choices = recipeChoices(
      await rdeps.recipes.list(),
      await freshCatalogue({ offline: opts.offline }, rdeps),
    );
    if (choices.length === 0) return opts;
    recipe = await prompt.select('Which recipe?', choices, { search: true });
  }
  let server = opts.server;
  if (!server) {
    const servers = (await deps.servers.list()).map((s) => ({ value: s.name }));
    if (servers.length === 0) return { ...opts, recipe };
    server = await prompt.select('On which server?', servers);
  }
  let domain = opts.domain;
  if (!domain) {
    const taken = await takenNames(deps);
    domain = await prompt.text('Domain of the app (also its name)', {
      initial: defaultDomain(recipe, server),
      validate: (answer) => domainProblem(answer, taken),
    });
  }
  if ((await rdeps.recipes.state(recipe)) === 'absent') {
    await recipeFetch({ target: recipe, all: false, offline: opts.offline }, rdeps);
  }
  let version = opts.version;
  if (version === undefined && !opts.chaos) version = await askVersion(recipe, deps);
  const what = `${domain} (recipe ${recipe}${opts.chaos ? ', working tree' : version ? ` ${version}` : ''}) on ${server}`;
  if (!(await prompt.confirm(`Create ${what}?`))) throw new Cancelled('Not created; nothing was written.');
  return { ...opts, recipe, server, domain, version };
}

/** The release picker; undefined when the recipe has no releases (its HEAD is used, as today). */
async function askVersion(recipe: string, deps: AskDeps): Promise<string | undefined> {
  const dir = await localRecipeDir(recipe, recipeDeps(deps));
  const releases = (await deps.git.tags(dir))
    .map((t) => ({ tag: t.name, parsed: parseVersion(t.name) }))
    .flatMap((t) => (t.parsed.ok ? [{ tag: t.tag, version: t.parsed.version }] : []))
    .sort((a, b) => compareVersions(b.version, a.version))
    .slice(0, VERSIONS_SHOWN)
    .map((t) => t.tag);
  if (releases.length === 0) return undefined;
  const notes = await notesOfEach(dir, releases, deps);
  return deps.prompt.select(
    `Which version of ${recipe}?`,
    versionChoices(notes.map((n) => ({ version: n.version, notes: n.text }))),
    { initial: releases[0] },
  );
}

/** Names and stack names of every app on every server: a domain must clash with neither. */
async function takenNames(deps: Pick<Deps, 'paths'>): Promise<Map<string, string>> {
  const taken = new Map<string, string>();
  for (const app of await listAppEnvFiles(deps.paths)) {
    taken.set(app.app, `App ${app.app} already exists on server ${app.server}`);
    taken.set(
      `stack:${stackNameOf(app.app)}`,
      `App ${app.app} on ${app.server} already uses that stack name`,
    );
  }
  return taken;
}

/** Why a domain answer is refused, in the words `app new` would use; undefined when fine. */
export function domainProblem(answer: string, taken: ReadonlyMap<string, string>): string | undefined {
  try {
    checkDomain(answer);
  } catch (err) {
    if (!isUserError(err)) throw err;
    return err.hint ? `${err.message}. ${err.hint}` : err.message;
  }
  return taken.get(answer) ?? taken.get(`stack:${stackNameOf(answer)}`);
}
