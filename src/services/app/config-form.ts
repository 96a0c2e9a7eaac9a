import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { readFile, realpath } from 'node:fs/promises';
import { UserError } from '../../errors.js';
import { writeEnvFile } from '../../infra/store/env-files.js';
import type { Deps } from '../deps.js';
import { type AppConfigResult, checkEditedEnv } from './config.js';
import { findApp } from './find-app.js';

// `app config` without a terminal editor: the dashboard shows the env file as text and sends
// the edited text back, with the hash of what it showed so a change made meanwhile (another
// operator, the CLI) is never overwritten. The same checks as `app config` decide what is saved.

export interface AppConfigText {
  app: string;
  server: string;
  envFile: string;
  text: string;
  /** sha256 of the file's bytes: sent back with the edit. */
  base: string;
  /** False when the file is not UTF-8 (a form would change its bytes): edit it with `abra app config`. */
  editable: boolean;
}

type ConfigDeps = Pick<Deps, 'paths' | 'git'>;

export async function appConfigText(
  opts: { app: string },
  deps: Pick<Deps, 'paths'>,
): Promise<AppConfigText> {
  const found = await findApp(opts.app, deps.paths);
  const bytes = await readFile(await realpath(found.path));
  const editable = isUtf8(bytes);
  return {
    app: found.app,
    server: found.server,
    envFile: found.path,
    text: editable ? bytes.toString('utf8') : '',
    base: hashOf(bytes),
    editable,
  };
}

/**
 * Replace an app's env file with `text` (atomically, mode 0600) when it parses, names a recipe
 * and lists compose files the recipe has, and the file is still the one `base` hashes.
 */
export async function appConfigSave(
  opts: { app: string; text: string; base: string },
  deps: ConfigDeps,
): Promise<AppConfigResult> {
  const found = await findApp(opts.app, deps.paths);
  const target = await realpath(found.path);
  const original = await readFile(target);
  const changedMeanwhile = () =>
    new UserError(`${found.path} was changed by someone else since this editor was opened; not saved`, {
      where: found.path,
      hint: 'Reload the page to see the current file, then apply your edit again.',
      code: 'env_changed_meanwhile',
    });
  if (hashOf(original) !== opts.base) throw changedMeanwhile();
  if (!isUtf8(original))
    throw new UserError(`${found.path} is not UTF-8 text, so the dashboard does not edit it`, {
      where: found.path,
      hint: `Edit it with \`abra app config ${found.app}\`, which keeps its bytes.`,
      code: 'env_not_utf8',
    });
  const edited = Buffer.from(withLineEnds(opts.text, original.includes('\r\n')), 'utf8');
  const base = { app: found.app, envFile: found.path };
  if (edited.equals(original)) return { ...base, changed: false, warnings: [] };
  const warnings = await checkEditedEnv(edited.toString('utf8'), found.path, undefined, deps);
  if (!(await readFile(target)).equals(original)) throw changedMeanwhile();
  await writeEnvFile(target, edited);
  return { ...base, changed: true, warnings };
}

export function hashOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Browsers send a textarea's lines ended by CRLF: keep the file's own convention, and end the
 * file with a newline as editors do.
 */
export function withLineEnds(text: string, crlf: boolean): string {
  const lf = text.replace(/\r\n?/g, '\n');
  const ended = lf === '' || lf.endsWith('\n') ? lf : `${lf}\n`;
  return crlf ? ended.replace(/\n/g, '\r\n') : ended;
}
