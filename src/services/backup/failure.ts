import { classifyFailure, killedBy, type Repository } from '../../domain/backup/restic.js';
import { UserError } from '../../errors.js';
import type { TaskOutcome } from './task.js';

/** A restic task that did not exit 0, as an error the operator can act on. */
export function resticFailure(
  outcome: TaskOutcome,
  what: string,
  ctx: { repo: Repository; server: string },
): UserError {
  const where = `repository ${ctx.repo.url} (server ${ctx.server})`;
  if (outcome.exitCode === undefined)
    return new UserError(
      `${what} failed: the restic task ${outcome.state}${outcome.err ? `: ${outcome.err}` : ''}`,
      {
        where,
        hint:
          ctx.repo.kind === 'local'
            ? `Check that ${ctx.repo.path} exists on the server (\`abra server backup-init ${ctx.server}\` creates it) and that the restic image is available there.`
            : 'Check that the restic image is available on the server.',
        code: 'backup_task_failed',
      },
    );
  const signal = killedBy(outcome.exitCode);
  if (signal)
    return new UserError(
      `${what} failed: the restic task was killed (${signal}, exit ${outcome.exitCode}) before it finished`,
      {
        where,
        hint: 'Nothing was half-written: restic records a snapshot only once all its data is stored, so the repository stays consistent. Look for what stopped the task (out of memory, a node or docker restart, someone running `docker kill`), then run it again.',
        code: 'backup_task_killed',
      },
    );
  const { kind, line } = classifyFailure(outcome.lines);
  const detail = line ? `: ${line.replace(/^Fatal:\s*/, '')}` : '';
  switch (kind) {
    case 'wrong_password':
      return new UserError(`${what} failed: wrong repository password${detail}`, {
        where,
        hint: 'The password secret on the server does not open this repository: it was created for another repository at the same URL, or replaced. Restore the right secret, or point the app at another repository with `abra server backup-config`.',
        code: 'backup_wrong_password',
      });
    case 'repository_missing':
      return new UserError(`${what} failed: there is no restic repository at ${ctx.repo.url}${detail}`, {
        where,
        hint: `Create it with \`abra server backup-init ${ctx.server}\`.`,
        code: 'backup_repository_missing',
      });
    case 'repository_exists':
      return new UserError(`${what} failed: a repository already exists at ${ctx.repo.url}`, {
        where,
        hint: 'It was initialised before (perhaps with another password); use it as it is or choose another path.',
        code: 'backup_repository_exists',
      });
    case 'unreachable':
      return new UserError(`${what} failed: the repository is unreachable${detail}`, {
        where,
        code: 'backup_repository_unreachable',
      });
    case 'no_space':
      return new UserError(`${what} failed: no space left on device${detail}`, {
        where,
        hint: 'Free space where the repository (or the restored volume) lives, then retry; the repository stays consistent (check it with `restic check`).',
        code: 'backup_no_space',
      });
    case 'locked':
      return new UserError(`${what} failed: the repository is locked by another restic run${detail}`, {
        where,
        hint: 'Wait for the other run to finish; a lock left by a killed run expires, or remove it with `restic unlock`.',
        code: 'backup_repository_locked',
      });
    default:
      return new UserError(`${what} failed (restic exit ${outcome.exitCode})${detail}`, {
        where,
        code: 'backup_restic_failed',
      });
  }
}
