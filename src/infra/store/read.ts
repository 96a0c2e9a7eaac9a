import { readdirSync, readFileSync, readlinkSync, type Stats } from 'node:fs';
import { readdir, readlink, stat } from 'node:fs/promises';
import { errnoCode, UserError } from '../../errors.js';
import { type ReadTextOptions, readBoundedBytes, readTextFile } from './read-file.js';

// "Not found" is often a normal answer (no abra.sh, no audit log yet); every other failure
// to read is something the operator must hear about. Treating EISDIR or ELOOP as "missing"
// hides a broken checkout behind a misleading "does not exist".

/** Why a path cannot be read, in words, with the step that fixes it. */
const REASONS: Record<string, { why: string; fix: (path: string) => string }> = {
  EACCES: {
    why: 'permission denied',
    fix: (p) => `Make it readable by your user (e.g. \`ls -l ${p}\`, then chmod or chown it as its owner).`,
  },
  EPERM: {
    why: 'operation not permitted',
    fix: (p) => `Check its permissions and attributes (\`ls -l ${p}\`, \`lsattr ${p}\`).`,
  },
  EISDIR: {
    why: 'it is a directory, not a file',
    fix: () => 'Move the directory out of the way; a file is expected at that path.',
  },
  ENOTDIR: {
    why: 'a part of the path is a file, not a directory',
    fix: () => 'Check each directory along the path; one of them is a plain file.',
  },
  ELOOP: {
    why: 'too many levels of symbolic links, probably a symlink loop',
    fix: (p) => `Point the link at a real file or directory (\`ls -l ${p}\` shows where it leads).`,
  },
  ENAMETOOLONG: {
    why: 'the path is too long',
    fix: () => 'Use a shorter path or name.',
  },
  EMFILE: {
    why: 'too many open files',
    fix: () => 'Raise the open-file limit (`ulimit -n`) or close other programs, then retry.',
  },
  EIO: {
    why: 'an input/output error from the disk',
    fix: () => 'Check the disk and the file system (dmesg), then retry.',
  },
};

/**
 * A UserError for a failed read of `path` (`what` names it for the user, e.g. "The env file").
 * `code` is a stable error code.
 */
export function readFailure(
  path: string,
  err: unknown,
  what = 'The file',
  code = 'file_unreadable',
): UserError {
  const errno = errnoCode(err) ?? 'unknown error';
  const reason = REASONS[errno];
  return new UserError(`${what} cannot be read: ${reason?.why ?? errno} (${errno})`, {
    where: path,
    hint: reason?.fix(path) ?? `Check the path and its permissions (\`ls -l ${path}\`), then retry.`,
    code,
    cause: err,
  });
}

function danglingLink(path: string, target: string, what: string): UserError {
  return new UserError(`${what} is a symbolic link to ${target}, which does not exist`, {
    where: path,
    hint: `Point the link at an existing file, or remove it (\`rm ${path}\`).`,
    code: 'file_dangling_link',
  });
}

/** ENOENT means "absent", unless the path itself is a symlink whose target is missing. */
async function absentOrThrow(path: string, err: unknown, what: string): Promise<undefined> {
  if (errnoCode(err) !== 'ENOENT') throw readFailure(path, err, what);
  let target: string | undefined;
  try {
    target = await readlink(path);
  } catch {
    return undefined;
  }
  throw danglingLink(path, target, what);
}

function absentOrThrowSync(path: string, err: unknown, what: string): undefined {
  if (errnoCode(err) !== 'ENOENT') throw readFailure(path, err, what);
  let target: string | undefined;
  try {
    target = readlinkSync(path);
  } catch {
    return undefined;
  }
  throw danglingLink(path, target, what);
}

/** The file's text, or undefined when nothing is there; any other failure is a UserError. */
export async function readIfExists(
  path: string,
  what = 'The file',
  opts: ReadTextOptions = {},
): Promise<string | undefined> {
  try {
    // Bounded, and never from a FIFO or device (which would hang or never end).
    return await readTextFile(path, opts);
  } catch (err) {
    if (err instanceof UserError) throw err;
    return absentOrThrow(path, err, what);
  }
}

/** The file's bytes (bounded, regular files only), or undefined when nothing is there. */
export async function readBytesIfExists(path: string, what = 'The file'): Promise<Buffer | undefined> {
  try {
    return await readBoundedBytes(path);
  } catch (err) {
    if (err instanceof UserError) throw err;
    return absentOrThrow(path, err, what);
  }
}

/**
 * Like readIfExists, but only a regular file is read: a directory is an error, and so is a
 * FIFO or device, which would block or never end.
 */
export async function readRegularIfExists(path: string, what = 'The file'): Promise<string | undefined> {
  const st = await statIfExists(path, what);
  if (st === undefined) return undefined;
  if (st.isDirectory()) throw readFailure(path, Object.assign(new Error('EISDIR'), { code: 'EISDIR' }), what);
  if (!st.isFile())
    throw new UserError(`${what} is not a regular file (a FIFO, socket or device)`, {
      where: path,
      hint: 'Replace it with a plain file.',
      code: 'file_not_regular',
    });
  return readIfExists(path, what);
}

/** Like readIfExists, but "nothing there" is an error too: `missing()` says what that means. */
export async function readRequired(
  path: string,
  missing: () => UserError,
  what = 'The file',
): Promise<string> {
  const text = await readIfExists(path, what);
  if (text === undefined) throw missing();
  return text;
}

export function readIfExistsSync(path: string, what = 'The file'): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    return absentOrThrowSync(path, err, what);
  }
}

/** The file's bytes, or undefined when nothing is there (sync: SSH keys are read in a callback). */
export function readBytesIfExistsSync(path: string, what = 'The file'): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (err) {
    return absentOrThrowSync(path, err, what);
  }
}

/** The directory's entry names, or undefined when nothing is there. */
export async function readdirIfExists(path: string, what = 'The directory'): Promise<string[] | undefined> {
  try {
    return await readdir(path);
  } catch (err) {
    return absentOrThrow(path, err, what);
  }
}

export function readdirIfExistsSync(path: string, what = 'The directory'): string[] | undefined {
  try {
    return readdirSync(path);
  } catch (err) {
    return absentOrThrowSync(path, err, what);
  }
}

/**
 * stat (following links), or undefined when nothing is there. A dangling link is an error,
 * unless `danglingIsAbsent` (listings, where one stale link must not hide every other entry).
 */
export async function statIfExists(
  path: string,
  what = 'The path',
  opts: { danglingIsAbsent?: boolean } = {},
): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (err) {
    if (opts.danglingIsAbsent && errnoCode(err) === 'ENOENT') return undefined;
    return absentOrThrow(path, err, what);
  }
}
