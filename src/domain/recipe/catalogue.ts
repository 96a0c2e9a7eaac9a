// The recipe catalogue (`~/.abra/catalogue/recipes.json`, written by `abra catalogue
// generate`): a JSON object keyed by recipe name. Reading is tolerant: unknown keys are
// ignored and wrongly typed fields read as absent, because catalogues from several abra
// versions are in use (older ones carry digests, newer ones ssh_url).

export interface CatalogueImage {
  image: string;
  tag: string;
  digest?: string;
}

export interface CatalogueVersion {
  version: string;
  /** service name -> image */
  services: Record<string, CatalogueImage>;
}

export interface CatalogueEntry {
  name: string;
  category?: string;
  description?: string;
  repository?: string;
  sshUrl?: string;
  defaultBranch?: string;
  website?: string;
  icon?: string;
  /** README metadata scores, kept as they were written. */
  features: Record<string, unknown>;
  versions: CatalogueVersion[];
}

export type Catalogue = Map<string, CatalogueEntry>;

export type CatalogueParse = { ok: true; catalogue: Catalogue } | { ok: false; reason: string };

export function parseCatalogue(data: unknown): CatalogueParse {
  const entries: [string, unknown][] = Array.isArray(data)
    ? data.map((v, i) => [str(isObject(v) ? v.name : undefined) ?? `#${i}`, v])
    : isObject(data)
      ? Object.entries(data)
      : [];
  if (!Array.isArray(data) && !isObject(data))
    return { ok: false, reason: 'expected a JSON object keyed by recipe name' };
  const catalogue: Catalogue = new Map();
  for (const [key, value] of entries) {
    if (!isObject(value)) continue;
    const name = str(value.name) ?? key;
    catalogue.set(name, entryOf(name, value));
  }
  return { ok: true, catalogue };
}

function entryOf(name: string, v: Record<string, unknown>): CatalogueEntry {
  const entry: CatalogueEntry = {
    name,
    features: isObject(v.features) ? v.features : {},
    versions: versionsOf(v.versions),
  };
  const optional: [keyof CatalogueEntry, unknown][] = [
    ['category', v.category],
    ['description', v.description],
    ['repository', v.repository],
    ['sshUrl', v.ssh_url],
    ['defaultBranch', v.default_branch],
    ['website', v.website],
    ['icon', v.icon],
  ];
  for (const [k, raw] of optional) {
    const s = str(raw);
    if (s !== undefined && s !== '') Object.assign(entry, { [k]: s });
  }
  return entry;
}

/** `[{ "1.0.0+1.2": { "app": { image, tag, digest } } }, ...]` */
function versionsOf(raw: unknown): CatalogueVersion[] {
  if (!Array.isArray(raw)) return [];
  const out: CatalogueVersion[] = [];
  for (const item of raw) {
    if (!isObject(item)) continue;
    for (const [version, services] of Object.entries(item)) {
      const svc: Record<string, CatalogueImage> = {};
      if (isObject(services)) {
        for (const [service, img] of Object.entries(services)) {
          if (!isObject(img)) continue;
          const image: CatalogueImage = { image: str(img.image) ?? '', tag: str(img.tag) ?? '' };
          const digest = str(img.digest);
          if (digest) image.digest = digest;
          svc[service] = image;
        }
      }
      out.push({ version, services: svc });
    }
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
