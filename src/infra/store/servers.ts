import { mkdir, rm } from 'node:fs/promises';
import { segmentProblem } from '../../domain/names/segment.js';
import { UserError } from '../../errors.js';
import type { AbraPaths } from './paths.js';
import { readdirIfExists, statIfExists } from './read.js';
import { childPath, type NameKind } from './safe-path.js';

/** A server name is one directory under servers/; `.`, `..` and `a/b` would leave it. */
export const SERVER_NAME: NameKind = {
  what: 'server',
  code: 'server_name_invalid',
  hint: 'A server name is the host name or ~/.ssh/config alias it was added as; see `abra server ls`.',
};

/** The name Go abra gives the machine it runs on (`abra server add --local`). */
export const LOCAL_SERVER = 'default';

export interface ServerEntry {
  name: string;
  dir: string;
  /** App env files (`<domain>.env`) in the server's directory. */
  apps: string[];
}

/** `servers/<name>/` directories; servers/ and each entry may be symlinks (teams keep them in git). */
export class ServerStore {
  constructor(private readonly paths: AbraPaths) {}

  dirOf(name: string): string {
    return childPath(this.paths.servers, name, SERVER_NAME);
  }

  async exists(name: string): Promise<boolean> {
    return (
      (
        await statIfExists(this.dirOf(name), `The directory of server ${name}`, {
          danglingIsAbsent: true,
        })
      )?.isDirectory() === true
    );
  }

  async list(): Promise<ServerEntry[]> {
    const names = (await readdirIfExists(this.paths.servers, 'The servers directory')) ?? [];
    const entries: ServerEntry[] = [];
    for (const name of names.sort()) {
      if (name.startsWith('.') || segmentProblem(name) !== undefined) continue;
      if (!(await this.exists(name))) continue;
      entries.push({ name, dir: this.dirOf(name), apps: await this.appsOf(name) });
    }
    return entries;
  }

  async appsOf(name: string): Promise<string[]> {
    const files = (await readdirIfExists(this.dirOf(name), `The directory of server ${name}`)) ?? [];
    return files
      .filter((f) => f.endsWith('.env') && !f.startsWith('.'))
      .map((f) => f.slice(0, -'.env'.length))
      .sort();
  }

  async create(name: string): Promise<string> {
    const dir = this.dirOf(name);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return dir;
  }

  async remove(name: string): Promise<void> {
    await rm(this.dirOf(name), { recursive: true, force: true });
  }
}

/**
 * A server name becomes a directory name and an SSH host alias, so it must be one path
 * segment and a plausible host name.
 */
export function validateServerName(name: string): void {
  const hint =
    'Use the host name or the ~/.ssh/config Host alias of the server, e.g. `abra server add example.com`. ' +
    'Put a user or port in ~/.ssh/config (Host example.com / User ... / Port ...).';
  if (name.length === 0)
    throw new UserError('A server name is required', { hint, code: 'server_name_invalid' });
  if (name.includes('@') || /:\d+$/.test(name)) {
    throw new UserError(`"${name}" contains a user or a port, which abra does not store in the server name`, {
      hint,
      code: 'server_name_invalid',
    });
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || name.length > 253) {
    throw new UserError(`"${name}" is not a valid server name`, {
      hint: 'Server names are host names: letters, digits, dots, dashes and underscores.',
      code: 'server_name_invalid',
    });
  }
}
