import { findApp } from '../../services/app/find-app.js';
import type { Deps } from '../../services/deps.js';

/** The server an app's env file lives under: what role limits are checked against. */
export async function appServer(name: string, deps: Pick<Deps, 'paths'>): Promise<string> {
  return (await findApp(name, deps.paths)).server;
}
