import { parseRepository, type Repository } from '../../domain/backup/restic.js';
import { UserError } from '../../errors.js';
import type { Deps } from '../deps.js';
import { resticFailure } from './failure.js';
import { createPasswordSecret, passwordSecret, repositoryForServer } from './repository.js';
import { managerNode, runResticTask } from './task.js';

export interface InitResult {
  server: string;
  repository: string;
  /** False when the repository and its password existed already. */
  created: boolean;
}

/**
 * `abra server backup-init <server> [--repository url]`: a random password straight into a
 * swarm secret (never on this machine, never shown), then `restic init` in a task on the
 * manager. A local repository's parent directory must exist on the server.
 */
export async function serverBackupInit(
  opts: { server: string; repository?: string | undefined },
  deps: Pick<Deps, 'servers' | 'docker' | 'env' | 'clock' | 'events'>,
): Promise<InitResult> {
  if (!(await deps.servers.exists(opts.server)))
    throw new UserError(`Unknown server ${opts.server}`, {
      hint: 'See `abra server ls`.',
      code: 'server_unknown',
    });
  let repo: Repository | undefined;
  if (opts.repository !== undefined) {
    repo = parseRepository(opts.repository);
    if (!repo)
      throw new UserError(`${JSON.stringify(opts.repository)} is not a restic repository abra can use`, {
        hint: "Use an absolute path on the server or one of restic's remote forms (sftp:, s3:, rest:).",
        code: 'backup_repository_invalid',
      });
  } else repo = await repositoryForServer(opts.server, deps);
  const docker = deps.docker.client(opts.server);
  const existing = await passwordSecret(docker, repo);
  if (existing) {
    deps.events({
      type: 'info',
      message: `the password of ${repo.url} exists already; checking the repository`,
    });
    return { server: opts.server, repository: repo.url, created: false };
  }
  const secret = await createPasswordSecret(docker, repo);
  deps.events({ type: 'object', action: 'created', kind: 'secret', name: secret.Spec.Name });
  try {
    const outcome = await runResticTask(
      {
        docker,
        stack: `server-${opts.server}`.replace(/[^A-Za-z0-9_.-]/g, '_'),
        purpose: 'init',
        nodeId: await managerNode(docker),
        argv: ['restic', 'init'],
        mounts: [],
        repository: repo,
        repositoryParent: true,
        secret,
      },
      deps,
    );
    if (outcome.exitCode !== 0)
      throw resticFailure(outcome, `Creating the repository ${repo.url}`, { repo, server: opts.server });
  } catch (err) {
    await docker.removeSecret(secret.ID).catch(() => undefined);
    throw err;
  }
  return { server: opts.server, repository: repo.url, created: true };
}
