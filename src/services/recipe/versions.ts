import { parse as parseYaml } from 'yaml';
import { splitImageRef } from '../../domain/recipe/image.js';
import { compareVersions } from '../../domain/version/compare.js';
import { describeWarning, parseVersion } from '../../domain/version/parse.js';
import { errorMessage } from '../../errors.js';
import { freshCatalogue } from '../catalogue/fresh.js';
import type { RecipeDeps } from './deps.js';
import { localRecipeDir } from './local.js';
import { type SkippedTag, versionTags } from './tags.js';

export interface RecipeVersionsOptions {
  name: string;
  /** Global --offline: read the catalogue on disk, never refresh it. */
  offline: boolean;
}

export interface ServiceImage {
  service: string;
  /** Image name without tag; `${...}` left as written. Empty when the service has no image. */
  image: string;
  tag: string;
  digest?: string;
}

export type VersionWarningCode =
  | 'v-prefix'
  | 'no-upstream'
  | 'lightweight'
  | 'compose-missing'
  | 'compose-invalid';

export interface VersionNote {
  code: VersionWarningCode;
  message: string;
}

export interface RecipeVersionRow {
  /** The tag (or catalogue key) exactly as written. */
  version: string;
  /** git only: the commit the tag points at, and whether the tag is annotated. */
  commit?: string;
  annotated?: boolean;
  warnings: VersionNote[];
  services: ServiceImage[];
}

export interface RecipeVersionsResult {
  recipe: string;
  /** `git`: tags of the local clone; `catalogue`: the recipe is not fetched, catalogue data. */
  source: 'git' | 'catalogue';
  dir?: string;
  /** Newest first, as abra lists them. */
  versions: RecipeVersionRow[];
  skipped: SkippedTag[];
}

/** Published versions of a recipe with each service's image, read from compose.yml at each tag. */
export async function recipeVersions(
  opts: RecipeVersionsOptions,
  deps: RecipeDeps,
): Promise<RecipeVersionsResult> {
  const state = await deps.recipes.state(opts.name);
  if (state === 'absent') {
    const fromCatalogue = await catalogueVersions(opts.name, opts.offline, deps);
    if (fromCatalogue) return fromCatalogue;
  }
  const dir = await localRecipeDir(opts.name, deps);
  const { versions, skipped } = await versionTags(dir, deps.git);
  const files = await deps.git.readFiles(
    dir,
    versions.map((v) => ({ rev: v.commit, path: 'compose.yml' })),
  );
  const rows = versions.map((v, i): RecipeVersionRow => {
    const warnings: VersionNote[] = v.version.warnings.map((w) => ({
      code: w,
      message: `tag ${v.tag} ${describeWarning(w)}`,
    }));
    if (!v.annotated)
      warnings.push({
        code: 'lightweight',
        message: `tag ${v.tag} is a lightweight tag; abra requires annotated tags (lint R014); re-create it with \`git tag -a -f -m "chore: publish ${v.tag} release" ${v.tag} ${v.commit.slice(0, 12)}\``,
      });
    const read = servicesOf(files[i]);
    if (read.problem) warnings.push({ ...read.problem, message: `tag ${v.tag}: ${read.problem.message}` });
    return { version: v.tag, commit: v.commit, annotated: v.annotated, warnings, services: read.services };
  });
  return { recipe: opts.name, source: 'git', dir, versions: rows.reverse(), skipped };
}

async function catalogueVersions(
  name: string,
  offline: boolean,
  deps: RecipeDeps,
): Promise<RecipeVersionsResult | undefined> {
  const entry = (await freshCatalogue({ offline }, deps))?.get(name);
  if (entry === undefined) return undefined;
  const skipped: SkippedTag[] = [];
  const parsed = [];
  for (const v of entry.versions) {
    const r = parseVersion(v.version);
    if (r.ok) parsed.push({ v, version: r.version });
    else skipped.push({ tag: v.version, reason: `not a version: ${r.reason}` });
  }
  parsed.sort((a, b) => compareVersions(b.version, a.version));
  const versions = parsed.map(
    ({ v, version }): RecipeVersionRow => ({
      version: v.version,
      warnings: version.warnings.map((w) => ({
        code: w,
        message: `version ${v.version} ${describeWarning(w)}`,
      })),
      services: Object.entries(v.services).map(([service, img]) => {
        const s: ServiceImage = { service, image: img.image, tag: img.tag };
        if (img.digest) s.digest = img.digest;
        return s;
      }),
    }),
  );
  return { recipe: name, source: 'catalogue', versions, skipped };
}

function servicesOf(composeText: string | undefined): {
  services: ServiceImage[];
  problem?: { code: VersionWarningCode; message: string };
} {
  if (composeText === undefined)
    return { services: [], problem: { code: 'compose-missing', message: 'no compose.yml at this tag' } };
  let doc: unknown;
  try {
    doc = parseYaml(composeText, { merge: true });
  } catch (err) {
    return {
      services: [],
      problem: {
        code: 'compose-invalid',
        message: `compose.yml is not valid YAML: ${firstLine(errorMessage(err))}`,
      },
    };
  }
  const services = isObject(doc) && isObject(doc.services) ? doc.services : undefined;
  if (services === undefined)
    return { services: [], problem: { code: 'compose-invalid', message: 'compose.yml has no services' } };
  return {
    services: Object.entries(services).map(([service, def]) => {
      const image = isObject(def) && typeof def.image === 'string' ? def.image : '';
      return { service, ...splitImageRef(image) };
    }),
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function firstLine(s: string): string {
  return (s.split('\n')[0] ?? s).replace(/:$/, '');
}
