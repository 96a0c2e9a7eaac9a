// One recipe's entry in recipes.json, in Go abra's format (docs: abra-spec §7): keys in the
// order Go's RecipeMeta struct marshals them, `versions` as an array of single-key maps
// version -> service -> {digest, image, tag}, oldest version first.
import { compareVersions } from '../version/compare.js';
import { parseVersion } from '../version/parse.js';
import type { CatalogueFeatures } from './features.js';

export interface CatalogueServiceJson {
  digest: string;
  image: string;
  tag: string;
}

export type CatalogueVersionJson = Record<string, Record<string, CatalogueServiceJson>>;

export interface CatalogueEntryJson {
  category: string;
  default_branch: string;
  description: string;
  features: CatalogueFeatures;
  icon: string;
  name: string;
  repository: string;
  ssh_url: string;
  versions: CatalogueVersionJson[];
  website: string;
}

export interface EntryInput {
  name: string;
  category: string;
  description: string;
  features: CatalogueFeatures;
  defaultBranch: string;
  /** The clone's origin URL as given; ssh URLs go to `ssh_url`, others to `repository`. */
  remote: string;
  website?: string;
  icon?: string;
  versions: {
    version: string;
    services: { service: string; image: string; tag: string; digest?: string }[];
  }[];
}

export function buildEntry(input: EntryInput): CatalogueEntryJson {
  const ssh = isSshUrl(input.remote);
  const versions = [...input.versions]
    .map((v) => ({ v, parsed: parseVersion(v.version) }))
    .sort((a, b) =>
      a.parsed.ok && b.parsed.ok
        ? compareVersions(a.parsed.version, b.parsed.version)
        : a.v.version < b.v.version
          ? -1
          : 1,
    )
    .map(({ v }) => {
      const services: Record<string, CatalogueServiceJson> = {};
      for (const s of [...v.services].sort((a, b) => (a.service < b.service ? -1 : 1)))
        services[s.service] = { digest: s.digest ?? '', image: s.image, tag: s.tag };
      return { [v.version]: services };
    });
  return {
    category: input.category,
    default_branch: input.defaultBranch,
    description: input.description,
    features: input.features,
    icon: input.icon ?? '',
    name: input.name,
    repository: ssh ? '' : input.remote,
    ssh_url: ssh ? input.remote : '',
    versions,
    website: input.website ?? '',
  };
}

/** recipes.json text: entries keyed and sorted by name, 4-space indent (json.MarshalIndent); entries of recipes not rebuilt are passed through as they were read. */
export function renderCatalogue(entries: ReadonlyMap<string, unknown>): string {
  const sorted: Record<string, unknown> = {};
  for (const name of [...entries.keys()].sort()) sorted[name] = entries.get(name);
  return `${JSON.stringify(sorted, null, 4)}\n`;
}

function isSshUrl(url: string): boolean {
  return url.startsWith('ssh://') || /^[\w.-]+@[\w.-]+:/.test(url);
}
