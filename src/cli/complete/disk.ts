import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { abraShFunctions } from '../../domain/cmd/abra-sh.js';
import { type Catalogue, parseCatalogue } from '../../domain/recipe/catalogue.js';
import { anyRecipeNameProblem, recipeDirName } from '../../domain/recipe/name.js';
import type { AbraPaths } from '../../infra/store/paths.js';
import type { CompletionSource } from './candidates.js';

// Completion runs on every Tab press: synchronous reads, no git process, no YAML parser, no
// network, and any fault (no ~/.abra, unreadable file, odd names) means "no candidates".
// Everything under ~/.abra is other people's content (recipes, shared server dirs): a link that
// leads outside it is not followed, and names that are not plain segments are skipped.

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const TAG = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;
// Env and compose files are small; the catalogue of every recipe is a few MiB at most.
const MAX_FILE = 16 << 20;

export function diskSource(paths: AbraPaths): CompletionSource {
  const fs = confinedTo(paths.root);
  const servers = () => fs.entries(paths.servers, 'dir').filter((n) => SEGMENT.test(n));
  const appName = (f: string) =>
    f.endsWith('.env') && SEGMENT.test(f.slice(0, -4)) ? f.slice(0, -4) : undefined;
  // One Tab press asks about one app at most: its env file is looked up directly, read once.
  const envs = new Map<string, Map<string, string>>();
  const envOf = (app: string): Map<string, string> => {
    let env = envs.get(app);
    if (env === undefined) {
      const file = SEGMENT.test(app)
        ? servers()
            .map((s) => join(paths.servers, s, `${app}.env`))
            .find((f) => fs.isFile(f))
        : undefined;
      env = file === undefined ? new Map() : envLines(fs.read(file) ?? '');
      envs.set(app, env);
    }
    return env;
  };
  let parsedCatalogue: Catalogue | undefined;
  const catalogue = (): Catalogue => {
    parsedCatalogue ??= catalogueOf(fs.read(join(paths.catalogue, 'recipes.json')));
    return parsedCatalogue;
  };
  const recipeOf = (app: string): string | undefined => {
    const env = envOf(app);
    const raw = env.get('RECIPE') ?? env.get('TYPE');
    const name = raw?.split(':')[0];
    return name !== undefined && usableRecipe(name) ? name : undefined;
  };
  // A git-path recipe (mygit.org/org/recipe) lives in its flattened directory.
  const recipeDir = (recipe: string): string => join(paths.recipes, recipeDirName(recipe));
  const composeKeys = (app: string, section: string): string[] => {
    const recipe = recipeOf(app);
    if (recipe === undefined) return [];
    const files = (envOf(app).get('COMPOSE_FILE') ?? 'compose.yml').split(':').filter(Boolean);
    return files.flatMap((f) =>
      // Only files inside the recipe: the env file is not trusted to name paths.
      f.split('/').every((seg) => SEGMENT.test(seg))
        ? topKeys(fs.read(join(recipeDir(recipe), f)) ?? '', section)
        : [],
    );
  };
  return {
    servers,
    apps: () =>
      servers().flatMap((s) =>
        fs
          .entries(join(paths.servers, s), 'file')
          .flatMap((f) => appName(f) ?? [])
          .map((value) => ({ value, description: `on ${s}` })),
      ),
    recipes: () => [
      ...fs.entries(paths.recipes, 'dir').filter((n) => SEGMENT.test(n)),
      ...[...catalogue().keys()].filter(usableRecipe),
    ],
    recipeOf,
    // The clone's tags; for a recipe not fetched yet (`app new` fetches it), the catalogue's.
    versions: (recipe) => {
      if (!usableRecipe(recipe)) return [];
      const tags = fs.isDir(recipeDir(recipe))
        ? gitTags(join(recipeDir(recipe), '.git'), fs)
        : (catalogue()
            .get(recipe)
            ?.versions.map((v) => v.version) ?? []);
      return tags.filter((t) => TAG.test(t));
    },
    services: (app) => composeKeys(app, 'services'),
    // The working tree's abra.sh: the deployed version's would need git, and names rarely differ.
    functions: (app) => {
      const recipe = recipeOf(app);
      return recipe === undefined ? [] : abraShFunctions(fs.read(join(recipeDir(recipe), 'abra.sh')) ?? '');
    },
    secrets: (app) => composeKeys(app, 'secrets'),
  };
}

/** Reads that answer nothing for a path whose real location is not under `root`. */
export interface ConfinedFs {
  /** Names in `dir` of that kind; a link counts when it leads to one inside the root. */
  entries(dir: string, kind: 'dir' | 'file'): string[];
  read(file: string): string | undefined;
  isFile(path: string): boolean;
  isDir(path: string): boolean;
}

export function confinedTo(root: string): ConfinedFs {
  let realRoot: string | undefined;
  try {
    realRoot = realpathSync.native(root);
  } catch {
    realRoot = undefined;
  }
  const inside = (p: string): string | undefined => {
    if (realRoot === undefined) return undefined;
    try {
      const real = realpathSync.native(p);
      return real === realRoot || real.startsWith(realRoot + sep) ? real : undefined;
    } catch {
      return undefined;
    }
  };
  const is = (p: string, kind: 'dir' | 'file'): boolean => {
    const real = inside(p);
    try {
      const st = real === undefined ? undefined : statSync(real);
      return st !== undefined && (kind === 'dir' ? st.isDirectory() : st.isFile());
    } catch {
      return false;
    }
  };
  return {
    entries: (dir, kind) => {
      const real = inside(dir);
      if (real === undefined) return [];
      try {
        // A plain entry of a directory inside the root is inside it too: only links need
        // resolving, so listing 100 apps costs one readdir, not 100 realpath calls.
        return readdirSync(real, { withFileTypes: true })
          .filter((e) =>
            e.isSymbolicLink() ? is(join(real, e.name), kind) : kind === 'dir' ? e.isDirectory() : e.isFile(),
          )
          .map((e) => e.name);
      } catch {
        return [];
      }
    },
    isFile: (p) => is(p, 'file'),
    isDir: (p) => is(p, 'dir'),
    read: (file) => {
      const real = inside(file);
      if (real === undefined) return undefined;
      try {
        const st = statSync(real);
        if (!st.isFile() || st.size > MAX_FILE) return undefined;
        return readFileSync(real, 'utf8');
      } catch {
        return undefined;
      }
    },
  };
}

/** KEY=value lines, later ones winning and `$KEY`/`${KEY}` of earlier ones expanded: enough
 * for RECIPE, TYPE and COMPOSE_FILE (the env parser proper is far more than a Tab press needs). */
export function envLines(text: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    let value = (m[2] ?? '').replace(/\s+#.*$/, '');
    const q = /^(["'])(.*)\1$/.exec(value);
    if (q) value = q[2] ?? '';
    value = value.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, k: string) => env.get(k) ?? '');
    env.set(m[1] ?? '', value);
  }
  return env;
}

/** The keys directly under a top-level YAML mapping key (`services:`), by indentation. */
export function topKeys(yaml: string, section: string): string[] {
  const out: string[] = [];
  let inside = false;
  let indent: number | undefined;
  for (const line of yaml.split('\n')) {
    if (/^\s*(#.*)?$/.test(line)) continue;
    const lead = /^ */.exec(line)?.[0].length ?? 0;
    if (lead === 0) {
      inside = new RegExp(`^${section}:\\s*(#.*)?$`).test(line);
      indent = undefined;
      continue;
    }
    if (!inside) continue;
    indent ??= lead;
    if (lead !== indent) continue;
    const m = /^\s*["']?([A-Za-z0-9_.-]+)["']?\s*:/.exec(line);
    if (m?.[1]) out.push(m[1]);
  }
  return out;
}

/** Tag names from refs/tags (loose, nested too) and packed-refs. */
export function gitTags(gitDir: string, fs: ConfinedFs): string[] {
  const tags: string[] = [];
  const walk = (dir: string, prefix: string, depth: number) => {
    for (const n of fs.entries(dir, 'file')) tags.push(`${prefix}${n}`);
    if (depth < 4) for (const n of fs.entries(dir, 'dir')) walk(join(dir, n), `${prefix}${n}/`, depth + 1);
  };
  walk(join(gitDir, 'refs', 'tags'), '', 0);
  for (const line of (fs.read(join(gitDir, 'packed-refs')) ?? '').split('\n')) {
    const m = /^[0-9a-f]{40,64} refs\/tags\/(.+)$/.exec(line);
    if (m?.[1]) tags.push(m[1]);
  }
  return tags;
}

function catalogueOf(text: string | undefined): Catalogue {
  if (text === undefined) return new Map();
  try {
    const parsed = parseCatalogue(JSON.parse(text));
    return parsed.ok ? parsed.catalogue : new Map();
  } catch {
    return new Map();
  }
}

/** A plain segment, or a git path whose every part is a safe recipe name. */
function usableRecipe(name: string): boolean {
  return SEGMENT.test(name) || (name.includes('/') && anyRecipeNameProblem(name) === undefined);
}
