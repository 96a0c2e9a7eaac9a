// Parsers for git's machine-readable output (NUL-separated, so any path or tag name is safe).

export interface TagRef {
  /** The tag name (refs/tags/ stripped). */
  name: string;
  /** Annotated tags are tag objects; lightweight tags point straight at a commit. */
  annotated: boolean;
  /** The commit the tag ends up at. */
  commit: string;
  /**
   * True when `commit` is known to be a commit (a lightweight tag on a commit, or an annotated
   * tag of a commit): callers may use it instead of asking git again. Not for a tag of a tag.
   */
  peeledToCommit?: boolean;
}

export interface StatusEntry {
  path: string;
  /** Porcelain v1 XY codes: X = index, Y = work tree; `??` untracked. */
  index: string;
  worktree: string;
  untracked: boolean;
  /** The old path of a rename or copy. */
  from?: string;
}

/** `for-each-ref --format=%(refname)%00%(objecttype)%00%(objectname)%00%(*objectname)` */
export function parseTagRefs(stdout: string): TagRef[] {
  const tags: TagRef[] = [];
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const [ref = '', type = '', object = '', peeled = '', peeledType = ''] = line.split('\0');
    tags.push({
      name: ref.replace(/^refs\/tags\//, ''),
      annotated: type === 'tag',
      commit: peeled || object,
      peeledToCommit: type === 'commit' || (type === 'tag' && peeledType === 'commit'),
    });
  }
  return tags;
}

/** `status --porcelain=v1 -z`: `XY path\0`, and renames/copies add `from\0`. */
export function parseStatus(stdout: string): StatusEntry[] {
  const fields = stdout.split('\0');
  const entries: StatusEntry[] = [];
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i] as string;
    if (f.length < 4) continue;
    const index = f[0] as string;
    const worktree = f[1] as string;
    const entry: StatusEntry = { path: f.slice(3), index, worktree, untracked: index === '?' };
    if (index === 'R' || index === 'C') entry.from = fields[++i];
    entries.push(entry);
  }
  return entries;
}

/**
 * `cat-file --batch` output: per request either `<oid> <type> <size>\n<bytes>\n` or
 * `<spec> missing\n` (also `ambiguous`). Sizes are in bytes, so this works on the raw buffer.
 * Non-blob objects (a directory at that path) read as undefined.
 */
export function parseCatFileBatch(out: Buffer, count: number): (string | undefined)[] {
  return parseCatFileBatchBytes(out, count).map((b) => b?.toString('utf8'));
}

/** Like parseCatFileBatch, keeping each blob's bytes as they are. */
export function parseCatFileBatchBytes(out: Buffer, count: number): (Buffer | undefined)[] {
  const results: (Buffer | undefined)[] = [];
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const nl = out.indexOf(0x0a, pos);
    if (nl === -1) throw new Error(`git cat-file --batch: output ended after ${i} of ${count} objects`);
    const header = out.subarray(pos, nl).toString('utf8');
    pos = nl + 1;
    const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
    if (!m) {
      results.push(undefined);
      continue;
    }
    const size = Number(m[2]);
    const body = out.subarray(pos, pos + size);
    pos += size + 1;
    results.push(m[1] === 'blob' ? body : undefined);
  }
  return results;
}

/** One entry of `git ls-tree -z <tree>`. */
export interface TreeEntry {
  /** `100644`, `100755`, `120000` (symlink), `040000` (tree), `160000` (submodule). */
  mode: string;
  type: string;
  object: string;
  /** The entry's name in its tree. */
  name: string;
}

export const SYMLINK_MODE = '120000';

export function parseLsTree(out: string): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const record of out.split('\0')) {
    const m = /^(\d+) (\w+) ([0-9a-f]+)\t([\s\S]*)$/.exec(record);
    if (m) entries.push({ mode: m[1]!, type: m[2]!, object: m[3]!, name: m[4]! });
  }
  return entries;
}
