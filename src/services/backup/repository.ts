import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseRepository, passwordSecretName, type Repository } from '../../domain/backup/restic.js';
import { BACKUP_SECRET_LABEL } from '../../domain/stack/contract.js';
import { UserError } from '../../errors.js';
import type { DockerClient } from '../../infra/docker/client.js';
import type { SwarmObject } from '../../infra/docker/swarm-types.js';
import { writeFileAtomic } from '../../infra/store/atomic.js';
import { readIfExists } from '../../infra/store/read.js';
import type { ResolvedApp } from '../app/resolve.js';
import type { Deps } from '../deps.js';

/** The server's backup settings: a dotfile, so the app env scan never takes it for an app. */
export const SERVER_BACKUP_FILE = '.backup.json';

export interface ServerBackupConfig {
  repository: string;
}

function invalidRepository(url: string, where: string): UserError {
  return new UserError(`${JSON.stringify(url)} is not a restic repository abra can use`, {
    where,
    hint: "Use an absolute path on the server (/srv/backups or local:/srv/backups) or one of restic's remote forms (sftp:user@host:/path, s3:https://host/bucket, rest:https://...).",
    code: 'backup_repository_invalid',
  });
}

export async function readServerBackupConfig(
  server: string,
  deps: Pick<Deps, 'servers'>,
): Promise<ServerBackupConfig | undefined> {
  const path = join(deps.servers.dirOf(server), SERVER_BACKUP_FILE);
  const text = await readIfExists(path, `The backup settings of server ${server}`);
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const repository = (parsed as { repository?: unknown } | undefined)?.repository;
  if (typeof repository !== 'string')
    throw new UserError(`The backup settings of server ${server} are unreadable`, {
      where: path,
      hint: `Write them again with \`abra server backup-config ${server} --repository <url>\`.`,
      code: 'backup_config_invalid',
    });
  return { repository };
}

/** `abra server backup-config <server> --repository <url>`: one small local file, no secret in it. */
export async function setServerBackupConfig(
  opts: { server: string; repository: string },
  deps: Pick<Deps, 'servers'>,
): Promise<{ server: string; repository: Repository; path: string }> {
  if (!(await deps.servers.exists(opts.server)))
    throw new UserError(`Unknown server ${opts.server}`, {
      hint: 'See `abra server ls`; add it with `abra server add`.',
      code: 'server_unknown',
    });
  const repo = parseRepository(opts.repository);
  if (!repo) throw invalidRepository(opts.repository, '--repository');
  const path = join(deps.servers.dirOf(opts.server), SERVER_BACKUP_FILE);
  await writeFileAtomic(path, `${JSON.stringify({ repository: repo.url }, null, 2)}\n`);
  return { server: opts.server, repository: repo, path };
}

/** Where an app's backups go: RESTIC_REPOSITORY in its env, else its server's setting. */
export async function repositoryForApp(app: ResolvedApp, deps: Pick<Deps, 'servers'>): Promise<Repository> {
  const own = app.env.values().RESTIC_REPOSITORY;
  if (own !== undefined && own !== '') {
    const repo = parseRepository(own);
    if (!repo) throw invalidRepository(own, `RESTIC_REPOSITORY in ${app.envPath}`);
    return repo;
  }
  return repositoryForServer(app.server, deps);
}

export async function repositoryForServer(server: string, deps: Pick<Deps, 'servers'>): Promise<Repository> {
  const conf = await readServerBackupConfig(server, deps);
  if (!conf)
    throw new UserError(`No backup repository is configured for server ${server}`, {
      hint: `Set one with \`abra server backup-config ${server} --repository /srv/backups\`, then create it with \`abra server backup-init ${server}\` (or set RESTIC_REPOSITORY in the app's env).`,
      code: 'backup_repository_unset',
    });
  const repo = parseRepository(conf.repository);
  if (!repo) throw invalidRepository(conf.repository, join(server, SERVER_BACKUP_FILE));
  return repo;
}

/** The repository's password secret on the swarm (only ours: exact name and our label). */
export async function passwordSecret(
  docker: DockerClient,
  repo: Repository,
): Promise<SwarmObject | undefined> {
  const name = passwordSecretName(repo.url);
  const found = await docker.secrets({ name: [name] });
  return found.find((s) => s.Spec.Name === name && s.Spec.Labels?.[BACKUP_SECRET_LABEL] === repo.url);
}

export async function requirePasswordSecret(
  docker: DockerClient,
  repo: Repository,
  server: string,
): Promise<SwarmObject> {
  const secret = await passwordSecret(docker, repo);
  if (!secret)
    throw new UserError(`The backup repository ${repo.url} has no password on server ${server}`, {
      hint: `Create the repository and its password with \`abra server backup-init ${server}\`.`,
      code: 'backup_password_missing',
    });
  return secret;
}

/**
 * A new random password, created straight as a swarm secret: it never touches a file on this
 * machine and is never shown. Labelled with the repository, not with any stack, so removing an
 * app leaves it in place.
 */
export async function createPasswordSecret(docker: DockerClient, repo: Repository): Promise<SwarmObject> {
  const name = passwordSecretName(repo.url);
  const password = randomBytes(32).toString('base64url');
  const { ID } = await docker.createSecret({
    Name: name,
    Labels: { [BACKUP_SECRET_LABEL]: repo.url },
    Data: Buffer.from(password).toString('base64'),
  });
  const now = new Date().toISOString();
  return {
    ID,
    Version: { Index: 0 },
    CreatedAt: now,
    UpdatedAt: now,
    Spec: { Name: name, Labels: { [BACKUP_SECRET_LABEL]: repo.url } },
  };
}
