import { UserError } from '../../errors.js';
import type { Deps } from '../deps.js';

export interface ServerRemoveOptions {
  name: string;
  /** Remove even when app env files are inside, and without asking. */
  force: boolean;
  /** Global --no-input: do not ask (but never delete app env files without --force). */
  noInput: boolean;
}

export interface ServerRemoveResult {
  name: string;
  removed: boolean;
  appsRemoved: string[];
}

/** Forget a server locally. Nothing on the server is touched. */
export async function serverRemove(
  opts: ServerRemoveOptions,
  deps: Pick<Deps, 'servers' | 'events' | 'prompt' | 'git'>,
): Promise<ServerRemoveResult> {
  if (!(await deps.servers.exists(opts.name))) {
    const known = (await deps.servers.list()).map((s) => s.name);
    throw new UserError(`Unknown server "${opts.name}"`, {
      hint:
        known.length > 0
          ? `Known servers: ${known.join(', ')}.`
          : 'No servers are added yet (`abra server add`).',
      code: 'server_unknown',
    });
  }
  const apps = await deps.servers.appsOf(opts.name);
  if (apps.length > 0 && !opts.force) {
    throw new UserError(
      `Server "${opts.name}" still holds ${apps.length} app config(s): ${apps.join(', ')}; removing it would delete them`,
      {
        where: deps.servers.dirOf(opts.name),
        hint: 'Back up or move those .env files first, or pass --force to delete them with the server entry. Apps keep running on the server either way.',
        code: 'server_has_apps',
      },
    );
  }
  if (!opts.force && !opts.noInput) {
    const ok = await deps.prompt.confirm(
      `Remove server "${opts.name}" from ${deps.servers.dirOf(opts.name)}? (the server itself is not touched)`,
    );
    if (!ok) return { name: opts.name, removed: false, appsRemoved: [] };
  }
  await deps.servers.remove(opts.name);
  return { name: opts.name, removed: true, appsRemoved: apps };
}
