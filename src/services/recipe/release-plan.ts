import { join } from 'node:path';
import { composeImages } from '../../domain/recipe/compose-images.js';
import { MAIN_SERVICE, RECIPE_VERSION_LABEL, setVersionLabel } from '../../domain/recipe/version-label.js';
import {
  type Bump,
  type ImageChange,
  imageChanges,
  type NextVersion,
  nextVersion,
} from '../../domain/release/next-version.js';
import { compareVersions } from '../../domain/version/compare.js';
import { parseVersion, type RecipeVersion } from '../../domain/version/parse.js';
import { UserError } from '../../errors.js';
import { readRegularIfExists } from '../../infra/store/read.js';
import type { RecipeDeps } from './deps.js';
import { localRecipeDir } from './local.js';
import { versionTags } from './tags.js';

export const COMPOSE_FILE = 'compose.yml';

export interface VersionPlanOptions {
  name: string;
  version?: string | undefined;
  bump?: Bump | undefined;
  /**
   * Take an unreleased version already written in the label (by `recipe sync`) when neither a
   * version nor a bump is given, as abra's release does.
   */
  useLabel: boolean;
}

export interface LabelChange {
  file: string;
  line: number;
  from: string | undefined;
  to: string;
}

export interface VersionPlan {
  recipe: string;
  dir: string;
  /** The newest release tag, undefined when the recipe has none. */
  previous: string | undefined;
  version: string;
  source: NextVersion['source'] | 'label';
  bump: Bump | undefined;
  /** The main service's image tag: the `+upstream` part. */
  upstream: string;
  /** Image changes since the previous release (every image for a first release). */
  changes: ImageChange[];
  label: LabelChange;
  /** Every tag name of the repository, versions or not. */
  tagNames: Set<string>;
  composeBefore: string;
  composeAfter: string;
}

/** What release and sync report of the plan (both results start with it). */
export type PlannedVersion = Pick<
  VersionPlan,
  'recipe' | 'dir' | 'previous' | 'version' | 'source' | 'bump' | 'changes' | 'label'
>;

export function plannedVersion(plan: VersionPlan): PlannedVersion {
  const { recipe, dir, previous, version, source, bump, changes, label } = plan;
  return { recipe, dir, previous, version, source, bump, changes, label };
}

/**
 * The version a release or sync writes and the label edit it makes, from the recipe's tags and
 * its working tree. Reads only; every refusal happens here, before anything is written.
 */
export async function planVersion(opts: VersionPlanOptions, deps: RecipeDeps): Promise<VersionPlan> {
  const dir = await localRecipeDir(opts.name, deps);
  const composePath = join(dir, COMPOSE_FILE);
  const composeBefore = await readRegularIfExists(composePath, `The recipe's ${COMPOSE_FILE}`);
  if (composeBefore === undefined)
    throw new UserError(`Recipe "${opts.name}" has no ${COMPOSE_FILE}`, {
      where: composePath,
      hint: `A recipe's main compose file is ${COMPOSE_FILE} at its top; add it (see \`abra recipe new\` for the layout). Nothing was changed.`,
      code: 'recipe_no_compose',
    });
  const current = setVersionLabel(composeBefore, '', composePath);
  const images = composeImages(composeBefore, composePath);
  const main = images.find((i) => i.service === MAIN_SERVICE);
  const upstream = main?.tag ?? '';

  const { versions } = await versionTags(dir, deps.git);
  const tagNames = new Set((await deps.git.tags(dir)).map((t) => t.name));
  const last = versions.at(-1);
  let before: ReturnType<typeof composeImages> = [];
  if (last !== undefined) {
    const [text] = await deps.git.readFiles(dir, [{ rev: last.commit, path: COMPOSE_FILE }]);
    if (text !== undefined) before = composeImages(text, `${COMPOSE_FILE} at ${last.tag}`);
  }
  const changes = imageChanges(before, images);

  const synced =
    opts.version === undefined && opts.bump === undefined && opts.useLabel
      ? syncedLabel(current.previous, last?.version, upstream, deps)
      : undefined;
  const fromLabel = synced !== undefined;
  const requested = opts.version ?? synced;
  const next = nextVersion({
    last: last?.version,
    requested,
    bump: opts.bump,
    upstream,
    changes,
    tags: tagNames,
  });
  const nextUpstream = next.version.slice(next.version.indexOf('+') + 1);
  if (nextUpstream !== upstream)
    deps.events({
      type: 'warning',
      message: `${next.version} says upstream ${nextUpstream}, but the "${MAIN_SERVICE}" service's image tag is ${upstream}`,
    });
  const edit = setVersionLabel(composeBefore, next.version, composePath);
  return {
    recipe: opts.name,
    dir,
    previous: last?.tag,
    version: next.version,
    source: fromLabel ? 'label' : next.source,
    bump: fromLabel ? undefined : next.bump,
    upstream,
    changes,
    label: { file: COMPOSE_FILE, line: edit.line, from: current.previous, to: next.version },
    tagNames,
    composeBefore,
    composeAfter: edit.text,
  };
}

/**
 * A label already set to an unreleased version (abra's `recipe sync` before `recipe release`):
 * canonical, above the last release and matching the main image; anything else is ignored.
 */
function syncedLabel(
  label: string | undefined,
  last: RecipeVersion | undefined,
  upstream: string,
  deps: Pick<RecipeDeps, 'events'>,
): string | undefined {
  if (label === undefined) return undefined;
  const parsed = parseVersion(label);
  if (!parsed.ok || parsed.version.warnings.length > 0) return undefined;
  if (last !== undefined && compareVersions(parsed.version, last) <= 0) return undefined;
  if (parsed.version.upstream !== upstream) {
    deps.events({
      type: 'warning',
      message: `The ${RECIPE_VERSION_LABEL} label says ${label}, but the "${MAIN_SERVICE}" image tag is now ${upstream}; proposing a version from the images instead`,
    });
    return undefined;
  }
  return label;
}
