import { realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isUserError, UserError } from '../../errors.js';
import { isGitError } from './errors.js';
import { type GitExecOptions, type GitOutput, runGit, runGitRaw } from './exec.js';
import {
  parseCatFileBatchBytes,
  parseLsTree,
  parseStatus,
  parseTagRefs,
  type StatusEntry,
  type TagRef,
  type TreeEntry,
} from './parse.js';

export interface GitIdentity {
  name: string;
  email: string;
}

/**
 * The git operations abra needs, over the system `git` binary: argument arrays only, `--`
 * before paths, revisions checked so none can be read as an option.
 */
export class GitClient {
  constructor(private readonly opts: GitExecOptions) {}

  run(args: string[], cwd?: string): Promise<GitOutput> {
    return runGit(args, cwd, this.opts);
  }

  /** True when `dir` is itself the top of a work tree (not merely inside another repo). */
  async isRepo(dir: string): Promise<boolean> {
    try {
      const { stdout } = await this.run(['rev-parse', '--show-toplevel'], dir);
      return (await realpath(stdout.trim())) === (await realpath(resolve(dir)));
    } catch (err) {
      // A directory that does not exist is not a repository either (a recipe not fetched).
      if (isGitError(err) || (isUserError(err) && err.code === 'git_cwd_missing')) return false;
      throw err;
    }
  }

  async clone(source: string, dest: string): Promise<void> {
    await this.run(['clone', '--quiet', '--', source, dest]);
  }

  async remotes(dir: string): Promise<string[]> {
    const { stdout } = await this.run(['remote'], dir);
    return stdout.split('\n').filter(Boolean);
  }

  async remoteUrl(dir: string, remote: string): Promise<string | undefined> {
    try {
      return (await this.run(['remote', 'get-url', '--', remote], dir)).stdout.trim() || undefined;
    } catch (err) {
      if (isGitError(err)) return undefined;
      throw err;
    }
  }

  /** Fetch branches and every tag; upstream retags win (`--force`), local tags are kept. */
  async fetchTags(dir: string, remote: string): Promise<void> {
    await this.run(['fetch', '--quiet', '--tags', '--force', '--', remote], dir);
  }

  async tags(dir: string): Promise<TagRef[]> {
    const { stdout } = await this.run(
      [
        'for-each-ref',
        '--format=%(refname)%00%(objecttype)%00%(objectname)%00%(*objectname)%00%(*objecttype)',
        'refs/tags',
      ],
      dir,
    );
    return parseTagRefs(stdout);
  }

  /** The commit a revision names, or undefined when there is none (e.g. no commits yet). */
  async resolveCommit(dir: string, rev: string): Promise<string | undefined> {
    checkRev(rev);
    try {
      const { stdout } = await this.run(
        ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`],
        dir,
      );
      return stdout.trim() || undefined;
    } catch (err) {
      if (isGitError(err)) return undefined;
      throw err;
    }
  }

  async status(dir: string): Promise<StatusEntry[]> {
    const { stdout } = await this.run(
      ['--no-optional-locks', 'status', '--porcelain=v1', '-z', '--untracked-files=all'],
      dir,
    );
    return parseStatus(stdout);
  }

  /** Uncommitted changes to tracked files (staged or not) as a plain patch. */
  async diff(dir: string): Promise<string> {
    const base = (await this.resolveCommit(dir, 'HEAD')) === undefined ? [] : ['HEAD'];
    const { stdout } = await this.run(['diff', '--no-color', '--no-ext-diff', ...base, '--'], dir);
    return stdout;
  }

  /** Discard changes to tracked files and delete untracked (not ignored) files. */
  async discardChanges(dir: string): Promise<void> {
    await this.run(['reset', '--quiet', '--hard', 'HEAD', '--'], dir);
    await this.run(['clean', '--quiet', '--force', '-d', '--'], dir);
  }

  async checkout(dir: string, rev: string): Promise<void> {
    checkRev(rev);
    await this.run(['-c', 'advice.detachedHead=false', 'checkout', '--quiet', rev, '--'], dir);
  }

  /** The message of an annotated tag (empty for a lightweight tag or one without a message). */
  async tagMessage(dir: string, tag: string): Promise<string> {
    checkRev(tag);
    const { stdout } = await this.run(['for-each-ref', '--format=%(contents)', `refs/tags/${tag}`], dir);
    return stdout.trim();
  }

  /** A file's content at a revision (`git show <rev>:<path>`), or undefined when not there. */
  async showFile(dir: string, rev: string, path: string): Promise<string | undefined> {
    const [content] = await this.readFiles(dir, [{ rev, path }]);
    return content;
  }

  /**
   * Many files at many revisions in one git process (`cat-file --batch`): `recipe versions`
   * reads compose.yml at every tag. Entries are undefined where the file does not exist.
   */
  async readFiles(dir: string, wanted: { rev: string; path: string }[]): Promise<(string | undefined)[]> {
    return (await this.readFilesBytes(dir, wanted)).map((b) => b?.toString('utf8'));
  }

  /** A file's bytes at a revision, exactly as committed (binary configs and secrets). */
  async showFileBytes(dir: string, rev: string, path: string): Promise<Buffer | undefined> {
    const [content] = await this.readFilesBytes(dir, [{ rev, path }]);
    return content;
  }

  /**
   * The tree entry of a path at a revision (`ls-tree`): its mode tells a symlink (120000)
   * from a file (100644/100755). Undefined when the path is not in that tree.
   */
  async treeEntry(dir: string, rev: string, path: string): Promise<TreeEntry | undefined> {
    checkRev(rev);
    checkPath(path);
    const slash = path.lastIndexOf('/');
    // The parent tree as an object (`rev:dir`), listed whole: ls-tree's own path arguments
    // are patterns, and a file name may hold pattern characters.
    const parent = `${rev}:${slash === -1 ? '' : path.slice(0, slash)}`;
    const name = path.slice(slash + 1);
    try {
      const { stdout } = await this.run(['ls-tree', '-z', parent], dir);
      return parseLsTree(stdout).find((e) => e.name === name);
    } catch (err) {
      // No such directory at that revision (or it is a file or a link there).
      if (isGitError(err)) return undefined;
      throw err;
    }
  }

  /**
   * Every file path in a revision's tree (`ls-tree -r`), or with no revision every file of the
   * working tree that git would see (tracked or not ignored).
   */
  async listFiles(dir: string, rev: string | undefined): Promise<string[]> {
    if (rev !== undefined) checkRev(rev);
    const args =
      rev === undefined
        ? ['ls-files', '-z', '--cached', '--others', '--exclude-standard']
        : ['ls-tree', '-r', '-z', '--name-only', rev];
    const { stdout } = await this.run(args, dir);
    return stdout.split('\0').filter((p) => p !== '');
  }

  async readFilesBytes(
    dir: string,
    wanted: { rev: string; path: string }[],
  ): Promise<(Buffer | undefined)[]> {
    if (wanted.length === 0) return [];
    for (const w of wanted) {
      checkRev(w.rev);
      checkPath(w.path);
    }
    const input = wanted.map((w) => `${w.rev}:${w.path.replace(/^\.?\//, '')}\n`).join('');
    const { stdout } = await runGitRaw(['cat-file', '--batch'], dir, input, this.opts);
    return parseCatFileBatchBytes(stdout, wanted.length);
  }

  async init(dir: string, branch: string): Promise<void> {
    await this.run(['init', '--quiet', `--initial-branch=${branch}`, '--', dir]);
  }

  async addAll(dir: string): Promise<void> {
    await this.run(['add', '--all', '--', '.'], dir);
  }

  /** Commit the index; `author` overrides user.name/user.email for this commit only. */
  async commit(dir: string, message: string, author?: GitIdentity): Promise<string> {
    const who = author ? ['-c', `user.name=${author.name}`, '-c', `user.email=${author.email}`] : [];
    await this.run([...who, 'commit', '--quiet', '--no-verify', '--no-gpg-sign', '-m', message], dir);
    return (await this.resolveCommit(dir, 'HEAD')) ?? '';
  }

  /**
   * The branch the remote's HEAD names (`origin/HEAD` -> `main`), else the checked-out branch,
   * else undefined (detached, or no commits).
   */
  async defaultBranch(dir: string, remote = 'origin'): Promise<string | undefined> {
    for (const args of [
      ['symbolic-ref', '--quiet', '--short', `refs/remotes/${remote}/HEAD`],
      ['symbolic-ref', '--quiet', '--short', 'HEAD'],
    ]) {
      try {
        const ref = (await this.run(args, dir)).stdout.trim();
        if (ref) return ref.startsWith(`${remote}/`) ? ref.slice(remote.length + 1) : ref;
      } catch (err) {
        if (!isGitError(err)) throw err;
      }
    }
    return undefined;
  }

  /**
   * Every branch, remote-tracking ref and tag with the object it names, as one text: a change
   * to any of them changes the text (a cheap fingerprint of a repository's published state).
   */
  async refsFingerprint(dir: string): Promise<string> {
    const { stdout } = await this.run(
      [
        'for-each-ref',
        '--format=%(refname) %(objectname) %(symref)',
        'refs/heads',
        'refs/remotes',
        'refs/tags',
      ],
      dir,
    );
    return stdout;
  }

  /** Fast-forward the checked-out branch to its upstream; refuses to merge diverged history. */
  async pullFastForward(dir: string): Promise<void> {
    await this.run(['pull', '--quiet', '--ff-only', '--no-rebase'], dir);
  }

  /** The branch HEAD is on, or undefined when HEAD is detached. */
  async currentBranch(dir: string): Promise<string | undefined> {
    try {
      return (await this.run(['symbolic-ref', '--quiet', '--short', 'HEAD'], dir)).stdout.trim() || undefined;
    } catch (err) {
      if (isGitError(err)) return undefined;
      throw err;
    }
  }

  /** Stage exactly these paths (a deleted path stages its deletion). */
  async add(dir: string, paths: string[]): Promise<void> {
    for (const p of paths) checkPath(p);
    await this.run(['add', '--all', '--', ...paths], dir);
  }

  /** An annotated tag on HEAD; `tagger` overrides user.name/user.email for this tag only. */
  async createAnnotatedTag(dir: string, tag: string, message: string, tagger?: GitIdentity): Promise<void> {
    checkRev(tag);
    const who = tagger ? ['-c', `user.name=${tagger.name}`, '-c', `user.email=${tagger.email}`] : [];
    await this.run([...who, 'tag', '--annotate', '--no-sign', '-m', message, '--', tag, 'HEAD'], dir);
  }

  async deleteTag(dir: string, tag: string): Promise<void> {
    checkRev(tag);
    await this.run(['tag', '--delete', '--', tag], dir);
  }

  /** Push refspecs to a remote all or nothing (`--atomic`), never asking for credentials. */
  async push(dir: string, remote: string, refspecs: string[]): Promise<void> {
    for (const r of refspecs) checkRev(r);
    await this.run(['push', '--quiet', '--atomic', '--', remote, ...refspecs], dir);
  }

  /** Move the current branch back to `commit`, discarding what came after (undo of our own commit). */
  async resetHard(dir: string, commit: string): Promise<void> {
    checkRev(commit);
    await this.run(['reset', '--quiet', '--hard', commit, '--'], dir);
  }

  async configGet(dir: string | undefined, key: string): Promise<string | undefined> {
    try {
      return (await this.run(['config', '--get', '--', key], dir)).stdout.trim() || undefined;
    } catch (err) {
      if (isGitError(err)) return undefined;
      throw err;
    }
  }
}

function checkPath(path: string): void {
  if (/[\n\0]/.test(path)) throw new UserError(`Invalid path "${path}"`, { code: 'git_bad_path' });
}

function checkRev(rev: string): void {
  if (rev.length === 0 || rev.startsWith('-') || /[\s\0]/.test(rev)) {
    throw new UserError(`"${rev}" is not a valid git revision`, {
      hint: 'Use a tag (e.g. 1.2.0+1.27.2), a branch or a commit hash.',
      code: 'git_bad_rev',
    });
  }
}
