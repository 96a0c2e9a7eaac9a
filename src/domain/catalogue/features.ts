// A recipe's README as the catalogue reads it: the metadata block becomes `category` and
// `features` the way Go abra parses it (GetRecipeFeaturesAndCategory, GetImageMetadata), and
// the first `> ` line under the title is the description (the template's place for it; Go
// abra takes it from the forge, which is not asked here).
import { readMetadata } from '../lint/readme.js';

export interface CatalogueImageMeta {
  image: string;
  rating: string;
  source: string;
  url: string;
}

/** Field order as Go abra's Features struct marshals it. */
export interface CatalogueFeatures {
  backups: string;
  email: string;
  healthcheck: string;
  image: CatalogueImageMeta;
  status: number;
  tests: string;
  sso: string;
}

export interface ReadmeFacts {
  category: string;
  description: string;
  features: CatalogueFeatures;
}

export function readmeFacts(readme: string | undefined): ReadmeFacts {
  const fields = (readme === undefined ? undefined : readMetadata(readme))?.fields ?? {};
  const get = (k: string) => fields[k] ?? '';
  return {
    category: get('Category'),
    description: descriptionOf(readme ?? ''),
    features: {
      backups: get('Backups'),
      email: get('Email'),
      healthcheck: get('Healthcheck'),
      image: imageMeta(get('Image')),
      status: statusOf(get('Status')),
      tests: get('Tests'),
      sso: get('SSO'),
    },
  };
}

/** `3, stable` -> 3; anything that is not a number first -> 0 (Go's Atoi error path). */
function statusOf(v: string): number {
  const first = (v.split(',')[0] ?? '').trim();
  return /^\d+$/.test(first) ? Number(first) : 0;
}

/** ``[`gitea/gitea`](https://hub.docker.com/r/gitea/gitea), 4, upstream`` */
function imageMeta(v: string): CatalogueImageMeta {
  const parts = v.split(',').map((p) => p.trim());
  const first = parts[0] ?? '';
  const link = /^\[`?([^`\]]*)`?\]\(([^)]*)\)$/.exec(first);
  return {
    image: link ? (link[1] ?? '') : first,
    rating: parts[1] ?? '',
    source: parts[2] ?? '',
    url: link ? (link[2] ?? '') : '',
  };
}

function descriptionOf(readme: string): string {
  for (const line of readme.split('\n')) {
    if (/<!--\s*metadata\s*-->/.test(line)) break;
    const m = /^>\s?(.*)$/.exec(line.trim());
    if (m) return (m[1] ?? '').trim();
  }
  return '';
}
