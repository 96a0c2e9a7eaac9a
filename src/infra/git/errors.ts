import { UserError } from '../../errors.js';

export interface GitErrorDetails {
  args: string[];
  cwd: string | undefined;
  exitCode: number;
  stderr: string;
  cause?: unknown;
}

/** What kind of failure git reported, so callers can react (e.g. "no such repository"). */
export type GitFailureKind = 'network' | 'auth' | 'not-found' | 'not-a-repo' | 'conflict' | 'other';

/** A git command exited non-zero. The message carries git's own words; the hint the next step. */
export class GitError extends UserError {
  readonly args: string[];
  readonly exitCode: number;
  readonly stderr: string;
  readonly kind: GitFailureKind;
  /** git's own message, condensed to its fatal/error lines. */
  readonly detail: string;

  constructor(d: GitErrorDetails) {
    const kind = classify(d.stderr);
    const op = subcommand(d.args);
    const detail = summarise(d.stderr);
    super(`git ${op} failed: ${detail}`, {
      where: d.cwd,
      hint: hintFor(kind, op),
      code: `git_${kind.replace(/-/g, '_')}`,
      cause: d.cause,
    });
    this.name = 'GitError';
    this.args = d.args;
    this.exitCode = d.exitCode;
    this.stderr = d.stderr;
    this.kind = kind;
    this.detail = detail;
  }
}

export function isGitError(err: unknown): err is GitError {
  return err instanceof GitError;
}

export function classify(stderr: string): GitFailureKind {
  const s = stderr.toLowerCase();
  if (/not a git repository/.test(s)) return 'not-a-repo';
  if (
    /could not resolve host|connection refused|timed out|network is unreachable|failed to connect|no route to host|could not connect|ssl certificate|gnutls/.test(
      s,
    )
  )
    return 'network';
  if (
    /authentication failed|could not read (username|password)|permission denied \(publickey|terminal prompts disabled|host key verification failed|returned error: 40[13]/.test(
      s,
    )
  )
    return 'auth';
  if (
    /repository .*not found|does not appear to be a git repository|returned error: 404|does not exist/.test(s)
  )
    return 'not-found';
  if (/would be overwritten|would clobber|conflict|\[rejected\]/.test(s)) return 'conflict';
  return 'other';
}

function hintFor(kind: GitFailureKind, op: string): string {
  switch (kind) {
    case 'network':
      return 'Check your network connection and that the git host is up, or use --offline to work with what is already on disk.';
    case 'auth':
      return 'The repository needs credentials git could not get without asking. Check the URL (public recipes need none), or set up an SSH key or a git credential helper.';
    case 'not-found':
      return 'Check the repository URL or recipe name; `abra recipe ls` shows the recipes the catalogue knows.';
    case 'not-a-repo':
      return 'The directory is not a git repository. Move it away and fetch the recipe again with `abra recipe fetch <name>`.';
    case 'conflict':
      return 'Local changes or tags conflict with the remote. Inspect them with `abra recipe diff <name>`, or discard them with `abra recipe reset <name>`.';
    case 'other':
      return `Run the same git ${op} by hand in that directory to see more, or re-run abra with --debug.`;
  }
}

/** git's own "fatal:"/"error:" lines are the useful part; progress chatter is not. */
function summarise(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const important = lines.filter((l) => /^(fatal|error|remote):/i.test(l));
  const picked = (important.length > 0 ? important : lines).slice(0, 4);
  return picked.length > 0 ? picked.join(' / ') : 'no message from git';
}

/** The git subcommand in an argv, skipping global options such as `-c key=value`. */
function subcommand(args: string[]): string {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-c' || a === '-C') i++;
    else if (!a.startsWith('-')) return a;
  }
  return 'command';
}
