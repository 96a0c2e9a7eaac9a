import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AbraPaths } from '../../infra/store/paths.js';
import type { CompletionSource } from './candidates.js';

// Completion runs on every Tab press: synchronous reads, no git process, no YAML parser, no
// network, and any fault (no ~/.abra, unreadable file, odd names) means "no candidates".

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MAX_FILE = 1 << 20;

export function diskSource(paths: AbraPaths): CompletionSource {
  const servers = () => dirs(paths.servers);
  const appFiles = () =>
    servers().flatMap((s) =>
      names(join(paths.servers, s))
        .filter((f) => f.endsWith('.env') && SEGMENT.test(f.slice(0, -4)))
        .map((f) => ({ app: f.slice(0, -4), file: join(paths.servers, s, f) })),
    );
  const envOf = (app: string): Map<string, string> => {
    const hit = appFiles().find((a) => a.app === app);
    return hit === undefined ? new Map() : envLines(read(hit.file) ?? '');
  };
  const recipeOf = (app: string): string | undefined => {
    const env = envOf(app);
    const raw = env.get('RECIPE') ?? env.get('TYPE');
    const name = raw?.split(':')[0];
    return name !== undefined && SEGMENT.test(name) ? name : undefined;
  };
  const composeKeys = (app: string, section: string): string[] => {
    const recipe = recipeOf(app);
    if (recipe === undefined) return [];
    const files = (envOf(app).get('COMPOSE_FILE') ?? 'compose.yml').split(':').filter(Boolean);
    return files.flatMap((f) =>
      // Only files inside the recipe: the env file is not trusted to name paths.
      f.split('/').every((seg) => SEGMENT.test(seg))
        ? topKeys(read(join(paths.recipes, recipe, f)) ?? '', section)
        : [],
    );
  };
  return {
    servers,
    apps: () => appFiles().map((a) => a.app),
    recipes: () => [...dirs(paths.recipes), ...catalogueNames(join(paths.catalogue, 'recipes.json'))],
    recipeOf,
    versions: (recipe) => (SEGMENT.test(recipe) ? gitTags(join(paths.recipes, recipe, '.git')) : []),
    services: (app) => composeKeys(app, 'services'),
    secrets: (app) => composeKeys(app, 'secrets'),
  };
}

function names(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function dirs(dir: string): string[] {
  return names(dir).filter((n) => {
    if (!SEGMENT.test(n)) return false;
    try {
      return statSync(join(dir, n)).isDirectory();
    } catch {
      return false;
    }
  });
}

function read(file: string): string | undefined {
  try {
    const st = statSync(file);
    if (!st.isFile() || st.size > MAX_FILE) return undefined;
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
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
export function gitTags(gitDir: string): string[] {
  const tags: string[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const n of names(dir)) {
      const p = join(dir, n);
      try {
        if (statSync(p).isDirectory()) walk(p, `${prefix}${n}/`);
        else tags.push(`${prefix}${n}`);
      } catch {
        // gone meanwhile
      }
    }
  };
  walk(join(gitDir, 'refs', 'tags'), '');
  for (const line of (read(join(gitDir, 'packed-refs')) ?? '').split('\n')) {
    const m = /^[0-9a-f]{40,64} refs\/tags\/(.+)$/.exec(line);
    if (m?.[1]) tags.push(m[1]);
  }
  return tags;
}

function catalogueNames(file: string): string[] {
  const text = read(file);
  if (text === undefined) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return [];
    return Object.keys(parsed).filter((n) => SEGMENT.test(n));
  } catch {
    return [];
  }
}
