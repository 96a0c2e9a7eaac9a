import { compareVersions } from '../../domain/version/compare.js';
import { parseVersion, type RecipeVersion } from '../../domain/version/parse.js';
import type { GitClient } from '../../infra/git/client.js';

export interface TaggedVersion {
  tag: string;
  version: RecipeVersion;
  annotated: boolean;
  commit: string;
}

export interface SkippedTag {
  tag: string;
  reason: string;
}

/** A recipe's git tags split into versions (oldest first) and tags that are not versions. */
export async function versionTags(
  dir: string,
  git: Pick<GitClient, 'tags'>,
): Promise<{ versions: TaggedVersion[]; skipped: SkippedTag[] }> {
  const versions: TaggedVersion[] = [];
  const skipped: SkippedTag[] = [];
  for (const t of await git.tags(dir)) {
    const r = parseVersion(t.name);
    if (r.ok) versions.push({ tag: t.name, version: r.version, annotated: t.annotated, commit: t.commit });
    else skipped.push({ tag: t.name, reason: `not a version: ${r.reason}` });
  }
  versions.sort((a, b) => compareVersions(a.version, b.version));
  skipped.sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
  return { versions, skipped };
}
