import { join } from 'node:path';
import { decodeLossless, encodeLossless } from '../../domain/env/bytes.js';
import { type EnvDocument, parseEnv } from '../../domain/env/document.js';
import { errnoCode, UserError } from '../../errors.js';
import { writeFileAtomic } from './atomic.js';
import type { AbraPaths } from './paths.js';
import { readdirIfExists, readFailure, statIfExists } from './read.js';
import { readBoundedBytes } from './read-file.js';

/** An app env file found under servers/: the file stem is the app name (its domain). */
export interface AppEnvFile {
  readonly server: string;
  readonly app: string;
  readonly path: string;
}

/** Read and parse an env file; a missing or unreadable file is a UserError naming the path. */
export async function readEnvFile(path: string): Promise<EnvDocument> {
  let bytes: Buffer;
  try {
    bytes = await readBoundedBytes(path);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw unreadable(path, err);
  }
  return parseEnv(decodeLossless(bytes), path);
}

/**
 * Write an env file atomically, readable by its owner only (it names secret versions). Text
 * from readEnvFile is written back byte for byte where it was not changed (Latin-1 too);
 * bytes are written as given.
 */
export async function writeEnvFile(path: string, doc: EnvDocument | string | Uint8Array): Promise<void> {
  const data = doc instanceof Uint8Array ? doc : encodeLossless(doc.toString());
  await writeFileAtomic(path, data, 0o600);
}

/**
 * Every `servers/<server>/<app>.env`, sorted by server then app, the glob Go abra uses to find
 * apps. servers/ and its entries may be symlinks. Hidden entries are skipped, like the
 * `.name.tmp` files of an interrupted atomic write.
 */
export async function listAppEnvFiles(paths: AbraPaths): Promise<AppEnvFile[]> {
  const servers = await readdirOrEmpty(paths.servers);
  const found: AppEnvFile[] = [];
  for (const server of servers.sort()) {
    if (server.startsWith('.')) continue;
    const dir = join(paths.servers, server);
    if (!(await isDirectory(dir))) continue;
    for (const file of (await readdirOrEmpty(dir)).sort()) {
      if (file.startsWith('.') || !file.endsWith('.env') || file === '.env') continue;
      const path = join(dir, file);
      if (await isFile(path)) found.push({ server, app: file.slice(0, -'.env'.length), path });
    }
  }
  return found;
}

function unreadable(path: string, err: unknown): UserError {
  if (errnoCode(err) === 'ENOENT')
    return new UserError('The env file does not exist', {
      where: path,
      hint: 'Check the app name with `abra app ls`, or create the app with `abra app new`.',
      code: 'env_file_missing',
      cause: err,
    });
  return readFailure(path, err, 'The env file', 'env_file_unreadable');
}

// servers/ and each server entry may be absent (no servers yet) or a stray file (not a
// server); anything else, such as a symlink loop, is reported by the read helpers.
async function readdirOrEmpty(dir: string): Promise<string[]> {
  const st = await statIfExists(dir, 'The directory', LISTING);
  if (!st?.isDirectory()) return [];
  return (await readdirIfExists(dir, 'The directory')) ?? [];
}

// A dangling symlink is not an app (a teammate's checkout may link to files not cloned here).
const LISTING = { danglingIsAbsent: true };

async function isDirectory(path: string): Promise<boolean> {
  return (await statIfExists(path, 'The server directory', LISTING))?.isDirectory() === true;
}

async function isFile(path: string): Promise<boolean> {
  return (await statIfExists(path, 'The env file', LISTING))?.isFile() === true;
}
