import type { Catalogue } from '../recipe/catalogue.js';

// What the interactive questions offer, built from what is on disk: pure, so the order and
// the hints are golden-tested without a terminal.

export interface Choice {
  value: string;
  label?: string;
  hint?: string;
}

/** Fetched recipes first (no fetch needed), then the catalogue's others; each group by name. */
export function recipeChoices(local: readonly string[], catalogue: Catalogue | undefined): Choice[] {
  const fetched = new Set(local);
  const describe = (name: string, where: string): string => {
    const entry = catalogue?.get(name);
    const about = firstLine(entry?.description ?? '') || entry?.category;
    return about ? `${where}: ${clip(about, 60)}` : where;
  };
  const mine = [...fetched].sort().map((name) => ({ value: name, hint: describe(name, 'fetched') }));
  const others = [...(catalogue?.keys() ?? [])]
    .filter((name) => !fetched.has(name))
    .sort()
    .map((name) => ({ value: name, hint: describe(name, 'catalogue, fetched when chosen') }));
  return [...mine, ...others];
}

export interface VersionNote {
  version: string;
  /** Release notes (release/<version> or the annotated tag's message); '' when none. */
  notes: string;
}

/** Newest first, as given; the hint is the first line of the release notes. */
export function versionChoices(versions: readonly VersionNote[], current?: string): Choice[] {
  return versions.map((v) => {
    const note = firstLine(v.notes);
    const parts = [v.version === current ? 'deployed' : '', note ? clip(note, 70) : ''].filter(Boolean);
    return parts.length > 0 ? { value: v.version, hint: parts.join(': ') } : { value: v.version };
  });
}

/** abra's default domain for a new app: `<recipe>.<server>`. */
export function defaultDomain(recipe: string, server: string): string {
  return `${recipe}.${server}`;
}

export function firstLine(text: string): string {
  for (const line of text.split('\n')) {
    const t = line.trim().replace(/^#+\s*/, '');
    if (t !== '') return t;
  }
  return '';
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
