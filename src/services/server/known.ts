import { UserError } from '../../errors.js';
import type { Deps } from '../deps.js';

/** A server abra knows (a servers/<name> directory), or `server_unknown` listing the known ones. */
export async function checkServerKnown(server: string, deps: Pick<Deps, 'servers'>): Promise<void> {
  if (await deps.servers.exists(server)) return;
  const known = (await deps.servers.list()).map((s) => s.name);
  throw new UserError(`Unknown server "${server}"`, {
    hint: known.length > 0 ? `Known servers: ${known.join(', ')}.` : 'Add one with `abra server add`.',
    code: 'server_unknown',
  });
}
