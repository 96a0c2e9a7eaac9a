import type { GitIdentity } from '../../infra/git/client.js';
import type { RecipeDeps } from './deps.js';

const FALLBACK: GitIdentity = { name: 'abra', email: 'abra@localhost' };

/**
 * Who commits (and tags) for abra: explicit values, else GIT_AUTHOR_*, else git config, else a
 * placeholder with a warning, so a fresh machine can still commit.
 */
export async function gitIdentity(
  dir: string,
  explicit: { name?: string | undefined; email?: string | undefined },
  deps: Pick<RecipeDeps, 'env' | 'git' | 'events'>,
  what: string,
  fix: string,
): Promise<GitIdentity> {
  const name = explicit.name ?? deps.env.GIT_AUTHOR_NAME ?? (await deps.git.configGet(dir, 'user.name'));
  const email = explicit.email ?? deps.env.GIT_AUTHOR_EMAIL ?? (await deps.git.configGet(dir, 'user.email'));
  if (name === undefined || email === undefined)
    deps.events({
      type: 'warning',
      message: `git has no ${name === undefined ? 'user.name' : 'user.email'} configured; ${what} is authored by "${name ?? FALLBACK.name} <${email ?? FALLBACK.email}>". ${fix}`,
    });
  return { name: name ?? FALLBACK.name, email: email ?? FALLBACK.email };
}
