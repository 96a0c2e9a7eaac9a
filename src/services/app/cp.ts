import { lstat } from 'node:fs/promises';
import { basename, dirname, posix, resolve as resolvePath } from 'node:path';
import { errnoCode, UserError } from '../../errors.js';
import type { ContainerPathStat } from '../../infra/docker/client.js';
import { extractTo, packPath } from '../../infra/tar/fs.js';
import type { Deps } from '../deps.js';
import { runOperation } from '../operation/run.js';
import { resolveApp } from './resolve.js';
import { runningTask } from './task.js';

export interface AppCpOptions {
  app: string;
  src: string;
  dst: string;
}

export interface AppCpResult {
  app: string;
  service: string;
  direction: 'to-container' | 'from-container';
  /** Where the copy landed (local path, or service:path). */
  destination: string;
  files?: number;
  bytes?: number;
  skipped?: string[];
}

/** `service:path`, or undefined for a local path (`./a:b`, `/x:y` stay local). */
export function containerSide(arg: string): { service: string; path: string } | undefined {
  const m = /^([A-Za-z0-9][A-Za-z0-9_-]*):(.*)$/.exec(arg);
  if (!m) return undefined;
  return { service: m[1]!, path: m[2] === '' ? '/' : m[2]! };
}

const isDir = (s: ContainerPathStat) => Math.floor(s.mode / 2 ** 31) % 2 === 1;

/**
 * Copy between this machine and a service's running container through the Engine API's
 * archive endpoints, streamed both ways (tar produced from and extracted to disk as it flows),
 * modes kept, with `docker cp`'s destination rules: into an existing directory, onto an
 * existing file, or as a new name in an existing directory. Copying out extracts as hostile
 * input (see infra/tar/fs.ts). Copying in changes the app: audited, not locked (like app run).
 */
export async function appCp(
  opts: AppCpOptions,
  deps: Pick<Deps, 'paths' | 'docker' | 'events' | 'env' | 'argv' | 'signals' | 'machineId' | 'clock'>,
): Promise<AppCpResult> {
  const from = containerSide(opts.src);
  const to = containerSide(opts.dst);
  if ((from === undefined) === (to === undefined))
    throw new UserError(
      from ? 'Both sides of the copy name a container' : 'Neither side of the copy names a service container',
      {
        hint: `Write one side as <service>:<path>, e.g. \`abra app cp ${opts.app} app:/etc/hosts ./hosts\`.`,
        code: 'usage',
      },
    );
  const app = await resolveApp(opts.app, deps);
  if (from) {
    const target = await runningTask(app, from.service);
    const stat = await target.docker.statPath(target.containerId, from.path);
    if (!stat)
      throw new UserError(`${from.path} does not exist in ${from.service} of ${app.name}`, {
        hint: `Look with \`abra app run ${app.name} ${from.service} -- ls -la ${posix.dirname(from.path)}\`.`,
        code: 'cp_source_missing',
      });
    const final = await localDestination(opts.dst, stat.name || posix.basename(from.path));
    const archive = await target.docker.getArchive(target.containerId, from.path);
    const res = await extractTo(archive, final);
    for (const s of res.skipped)
      deps.events({ type: 'warning', message: `skipped ${s}: not a file, directory or link` });
    return {
      app: app.name,
      service: from.service,
      direction: 'from-container',
      destination: final,
      files: res.files,
      bytes: res.bytes,
      skipped: res.skipped,
    };
  }
  const dest = to!;
  const src = resolvePath(opts.src);
  const srcStat = await lstat(src).catch((err: unknown) => {
    if (errnoCode(err) === 'ENOENT')
      throw new UserError(`${opts.src} does not exist`, {
        hint: 'Check the local path.',
        code: 'cp_source_missing',
      });
    throw err;
  });
  const target = await runningTask(app, dest.service);
  const existing = await target.docker.statPath(target.containerId, dest.path);
  let dir: string;
  let name: string;
  if (existing && isDir(existing)) {
    dir = dest.path;
    name = basename(src);
  } else if (existing) {
    if (srcStat.isDirectory())
      throw new UserError(
        `Cannot copy the directory ${opts.src} onto the file ${dest.path} in ${dest.service}`,
        {
          hint: 'Name a directory (or a new path) in the container.',
          code: 'cp_type_mismatch',
        },
      );
    dir = posix.dirname(dest.path);
    name = posix.basename(dest.path);
  } else {
    if (dest.path.endsWith('/'))
      throw new UserError(`The directory ${dest.path} does not exist in ${dest.service} of ${app.name}`, {
        hint: `Create it first, e.g. \`abra app run ${app.name} ${dest.service} -- mkdir -p ${dest.path}\`.`,
        code: 'cp_destination_missing',
      });
    dir = posix.dirname(dest.path);
    name = posix.basename(dest.path);
    const parent = await target.docker.statPath(target.containerId, dir);
    if (!parent || !isDir(parent))
      throw new UserError(
        `${dir} does not exist in ${dest.service} of ${app.name}, so ${dest.path} cannot be created`,
        {
          hint: `Create it first, e.g. \`abra app run ${app.name} ${dest.service} -- mkdir -p ${dir}\`.`,
          code: 'cp_destination_missing',
        },
      );
  }
  const destination = `${dest.service}:${posix.join(dir, name)}`;
  // Audited, not locked (a long copy must not block deploys); copying out is a read, not audited.
  await runOperation({ kind: 'cp', app: app.name, server: app.server, lock: false }, deps, async (op) => {
    op.checkpoint();
    await target.docker.putArchive(target.containerId, dir, packPath(src, name));
    op.note.message = `copied ${opts.src} to ${destination}`;
  });
  return { app: app.name, service: dest.service, direction: 'to-container', destination };
}

/** Where a copied-out entry named `name` lands for the destination argument, as docker cp does. */
async function localDestination(arg: string, name: string): Promise<string> {
  const dst = resolvePath(arg);
  const st = await lstat(dst).catch((err: unknown) => {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw err;
  });
  if (st?.isDirectory()) return resolvePath(dst, name);
  if (st) return dst;
  if (arg.endsWith('/'))
    throw new UserError(`The directory ${arg} does not exist`, {
      hint: `Create it first (mkdir -p ${arg}).`,
      code: 'cp_destination_missing',
    });
  const parent = await lstat(dirname(dst)).catch(() => undefined);
  if (!parent?.isDirectory())
    throw new UserError(`${dirname(dst)} does not exist, so ${arg} cannot be created`, {
      hint: `Create it first (mkdir -p ${dirname(dst)}).`,
      code: 'cp_destination_missing',
    });
  return dst;
}
