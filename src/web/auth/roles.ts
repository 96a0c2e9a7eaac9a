// Who may do what. admin: everything; operator: the day-to-day changes; viewer: read only.
// Each may be limited to some servers; an app is reached through its server.

export type Role = 'admin' | 'operator' | 'viewer';

export const ROLES: readonly Role[] = ['admin', 'operator', 'viewer'];

export type Action =
  | 'view'
  | 'logs'
  | 'deploy'
  | 'upgrade'
  | 'rollback'
  | 'restart'
  | 'undeploy'
  | 'backup'
  | 'restore'
  | 'new-app'
  /** Read and change an app's env file: admin only (it may hold credentials). */
  | 'config'
  /** Generate an app's secrets: admin only. */
  | 'secret';

const OPERATOR: ReadonlySet<Action> = new Set([
  'view',
  'logs',
  'deploy',
  'upgrade',
  'rollback',
  'restart',
  'backup',
  'restore',
]);

export interface Principal {
  name: string;
  role: Role;
  /** Only these servers; undefined or empty: every server. */
  servers?: readonly string[] | undefined;
}

export function mayReach(user: Principal, server: string): boolean {
  return !user.servers || user.servers.length === 0 || user.servers.includes(server);
}

/** Whether `user` may do `action` on `server` (every server when undefined, e.g. the apps page). */
export function may(user: Principal, action: Action, server?: string): boolean {
  if (server !== undefined && !mayReach(user, server)) return false;
  if (user.role === 'admin') return true;
  if (user.role === 'operator') return OPERATOR.has(action);
  return action === 'view';
}

export function isRole(s: string): s is Role {
  return (ROLES as readonly string[]).includes(s);
}
