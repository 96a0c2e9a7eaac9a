import type { DeployDeps } from '../deploy/deploy.js';

export interface ReleaseNote {
  version: string;
  /** Where the text came from: the recipe's release/<version> file, or the annotated tag. */
  source: 'file' | 'tag' | 'none';
  text: string;
}

/** release/<version> at the target release (it holds every earlier note too), else the tag message. */
export async function readNotes(
  dir: string,
  targetTag: string,
  versions: string[],
  deps: Pick<DeployDeps, 'git'>,
): Promise<ReleaseNote[]> {
  const files = await deps.git.readFiles(
    dir,
    versions.map((v) => ({ rev: targetTag, path: `release/${v}` })),
  );
  const out: ReleaseNote[] = [];
  for (const [i, version] of versions.entries()) {
    const file = files[i]?.trim();
    if (file) {
      out.push({ version, source: 'file', text: file });
      continue;
    }
    const message = await deps.git.tagMessage(dir, version).catch(() => '');
    // A tag message that only repeats the version says nothing.
    if (message && message !== version) out.push({ version, source: 'tag', text: message });
    else out.push({ version, source: 'none', text: '' });
  }
  return out;
}

/** Each version's own notes, read at its own tag (a picker shows them side by side). */
export async function notesOfEach(
  dir: string,
  versions: readonly string[],
  deps: Pick<DeployDeps, 'git'>,
): Promise<ReleaseNote[]> {
  const files = await deps.git.readFiles(
    dir,
    versions.map((v) => ({ rev: v, path: `release/${v}` })),
  );
  return Promise.all(
    versions.map(async (version, i): Promise<ReleaseNote> => {
      const file = files[i]?.trim();
      if (file) return { version, source: 'file', text: file };
      const message = await deps.git.tagMessage(dir, version).catch(() => '');
      return message && message !== version
        ? { version, source: 'tag', text: message }
        : { version, source: 'none', text: '' };
    }),
  );
}
