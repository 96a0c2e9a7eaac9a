import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { redactText } from '../../domain/audit/redact.js';
import { errnoCode, UserError } from '../../errors.js';
import { GitError } from './errors.js';

export interface GitExecOptions {
  /** Environment to start from (the user's, so their git config and credentials apply). */
  env: NodeJS.ProcessEnv;
  debug?: (line: string) => void;
  /** The git binary; tests may point elsewhere. */
  bin?: string;
}

export interface GitOutput {
  stdout: string;
  stderr: string;
}

// Repositories come from catalogues and URLs typed by users: never let a URL run a command
// (ext::), never page or colour output we parse, and keep messages English so we can classify
// them.
const SAFE_CONFIG = ['-c', 'protocol.ext.allow=never', '-c', 'color.ui=never', '-c', 'core.pager=cat'];
const MAX_OUTPUT = 256 * 1024 * 1024;

export function gitEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...env,
    GIT_TERMINAL_PROMPT: '0',
    GCM_INTERACTIVE: 'never',
    GIT_PAGER: 'cat',
    LC_ALL: 'C',
    LANGUAGE: 'C',
  };
}

/**
 * Run `git <args>` without a shell. A non-zero exit becomes a GitError carrying git's own
 * message; a missing git binary becomes a UserError saying how to install it.
 */
export async function runGit(
  args: string[],
  cwd: string | undefined,
  opts: GitExecOptions,
): Promise<GitOutput> {
  const out = await execGit(args, cwd, opts, undefined);
  return { stdout: out.stdout.toString('utf8'), stderr: out.stderr };
}

/** Like runGit, feeding `input` on stdin and returning raw bytes (for `cat-file --batch`). */
export function runGitRaw(
  args: string[],
  cwd: string | undefined,
  input: string,
  opts: GitExecOptions,
): Promise<{ stdout: Buffer; stderr: string }> {
  return execGit(args, cwd, opts, input);
}

function execGit(
  args: string[],
  cwd: string | undefined,
  opts: GitExecOptions,
  input: string | undefined,
): Promise<{ stdout: Buffer; stderr: string }> {
  const bin = opts.bin ?? 'git';
  const argv = [...SAFE_CONFIG, ...args];
  // Clone URLs may carry a token (https://user:token@host): never into --debug output.
  opts.debug?.(redactText(`git ${args.join(' ')}${cwd ? ` (in ${cwd})` : ''}`));
  return new Promise((resolve, reject) => {
    const child = execFile(
      bin,
      argv,
      { cwd, env: gitEnv(opts.env), encoding: 'buffer', maxBuffer: MAX_OUTPUT, windowsHide: true },
      (err, stdout, stderrBuf) => {
        const stderr = stderrBuf.toString('utf8');
        if (!err) return resolve({ stdout, stderr });
        reject(toError(err, args, cwd, bin, stderr));
      },
    );
    // A git that exits before reading all of stdin must not crash us with EPIPE.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input ?? '');
  });
}

function toError(err: Error, args: string[], cwd: string | undefined, bin: string, stderr: string): Error {
  if (errnoCode(err) === 'ENOENT' && cwd !== undefined && !existsSync(cwd)) {
    return new UserError(`Cannot run git in ${cwd}: the directory does not exist`, {
      where: cwd,
      hint: 'Check the path, or fetch the recipe first with `abra recipe fetch <name>`.',
      code: 'git_cwd_missing',
      cause: err,
    });
  }
  if (errnoCode(err) === 'ENOENT') {
    return new UserError(`The git program was not found (looked for "${bin}")`, {
      hint: 'Install git (e.g. `apt install git`) and make sure it is on PATH.',
      code: 'git_missing',
      cause: err,
    });
  }
  const code = (err as { code?: unknown }).code;
  const exitCode = typeof code === 'number' ? code : -1;
  // git's messages and execFile's "Command failed: git ... <url>" can echo the URL with its token.
  return new GitError({
    args: args.map(redactText),
    cwd,
    exitCode,
    stderr: redactText(stderr || err.message),
    cause: redactedCause(err),
  });
}

/** The execFile error without the argv it quotes in its message (shown under --debug). */
function redactedCause(err: Error): Error {
  const safe = new Error(redactText(err.message));
  safe.name = err.name;
  safe.stack = redactText(err.stack ?? safe.message);
  return safe;
}
