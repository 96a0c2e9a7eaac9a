import { hostname, userInfo } from 'node:os';

/**
 * `user@host` of the machine running abra: what other operators see in lock messages and the
 * audit log. The environment is read first: it needs no passwd lookup and tests can set it.
 */
export function operatorId(env: NodeJS.ProcessEnv, named?: string): string {
  if (named !== undefined && named !== '') return named;
  return `${env.USER || env.LOGNAME || safeUsername()}@${hostname()}`;
}

function safeUsername(): string {
  try {
    return userInfo().username;
  } catch {
    // A uid without a passwd entry (some containers) has no name; the uid still tells who.
    return `uid${process.getuid?.() ?? '?'}`;
  }
}
