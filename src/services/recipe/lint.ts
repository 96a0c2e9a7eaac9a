import { prepareLintInput } from '../../domain/lint/prepare.js';
import { runLint } from '../../domain/lint/run.js';
import type { CatalogueFacts, RepoFacts, RuleResult } from '../../domain/lint/types.js';
import { errorMessage, isUserError } from '../../errors.js';
import type { LintDeps } from './lint-deps.js';
import { findLinksOut, readRecipeFiles } from './lint-sources.js';
import { localRecipeDir } from './local.js';

export interface RecipeLintOptions {
  name: string;
  /** Do not contact git.coopcloud.tech (R013 is skipped). */
  offline: boolean;
}

export interface RecipeLintResult {
  recipe: string;
  dir: string;
  /** False when an error-level rule failed: the command exits 1. */
  ok: boolean;
  errors: number;
  warnings: number;
  rules: RuleResult[];
}

export const RECIPE_FORGE = 'https://git.coopcloud.tech/coop-cloud';

/** Lint a fetched recipe: its working tree (every compose*.yml), tags and catalogue entry. */
export async function recipeLint(opts: RecipeLintOptions, deps: LintDeps): Promise<RecipeLintResult> {
  const dir = await localRecipeDir(opts.name, deps);
  const [files, linksOut, tags, catalogue, repo, validator] = await Promise.all([
    readRecipeFiles(dir),
    findLinksOut(dir),
    deps.git.tags(dir),
    catalogueFacts(opts.name, deps),
    repoFacts(opts, deps),
    deps.composeValidator(),
  ]);
  const input = prepareLintInput(
    {
      recipe: opts.name,
      dir,
      files,
      tags: tags.map((t) => ({ name: t.name, annotated: t.annotated })),
      catalogue,
      repo,
      linksOut,
    },
    validator,
  );
  const report = runLint(input);
  return {
    recipe: opts.name,
    dir,
    ok: report.errors === 0,
    errors: report.errors,
    warnings: report.warnings,
    rules: report.results,
  };
}

async function catalogueFacts(name: string, deps: LintDeps): Promise<CatalogueFacts> {
  try {
    const catalogue = await deps.catalogue.read();
    if (catalogue === undefined)
      return { state: 'absent', reason: `no local catalogue (${deps.catalogue.file})` };
    return { state: 'present', entry: catalogue.get(name) };
  } catch (err) {
    // A damaged catalogue only stops the one rule that reads it.
    if (!isUserError(err)) throw err;
    return { state: 'absent', reason: `the catalogue cannot be read: ${errorMessage(err)}` };
  }
}

async function repoFacts(opts: RecipeLintOptions, deps: LintDeps): Promise<RepoFacts> {
  const url = `${RECIPE_FORGE}/${opts.name}`;
  if (opts.offline) return { state: 'skipped', reason: 'offline (--offline)' };
  const res = await deps.probeUrl(url);
  if (!res.reachable)
    return { state: 'skipped', reason: `${new URL(url).host} is not reachable (${res.reason})` };
  if (res.status === 404) return { state: 'checked', url, exists: false };
  if (res.status < 400) return { state: 'checked', url, exists: true };
  return { state: 'skipped', reason: `${url} answered HTTP ${res.status}` };
}
