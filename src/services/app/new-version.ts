import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeLossless } from '../../domain/env/bytes.js';
import { errnoCode, UserError } from '../../errors.js';
import type { GitClient } from '../../infra/git/client.js';
import { versionTags } from '../recipe/tags.js';

export interface NewAppSource {
  /** What to read the recipe at: a tag or commit; undefined = the working tree (--chaos). */
  rev: string | undefined;
  /** What TYPE/RECIPE records after `:`. */
  version: string | undefined;
  /** For messages: `1.2.0+1.27.2`, `commit 1a2b3c4d`, `working tree`. */
  label: string;
  warnings: string[];
}

const ENV_SAMPLE = '.env.sample';

/**
 * Which recipe version a new app starts from: the version asked for (it must be a tag), the
 * working tree with --chaos, else the latest release tag; a recipe without release tags
 * starts from its current commit, as Go abra does.
 */
export async function newAppSource(
  dir: string,
  recipe: string,
  opts: { version: string | undefined; chaos: boolean },
  git: Pick<GitClient, 'tags' | 'resolveCommit'>,
): Promise<NewAppSource> {
  if (opts.chaos) {
    if (opts.version !== undefined)
      throw new UserError(
        `--chaos uses the working tree of ${recipe}, so version ${opts.version} cannot be used with it`,
        {
          hint: 'Drop either the version or --chaos.',
          code: 'usage',
        },
      );
    return { rev: undefined, version: undefined, label: 'working tree', warnings: [] };
  }
  const { versions } = await versionTags(dir, git);
  const tags = (await git.tags(dir)).map((t) => t.name);
  if (opts.version !== undefined) {
    if (!tags.includes(opts.version))
      throw new UserError(`Recipe ${recipe} has no version ${opts.version}`, {
        where: dir,
        hint:
          versions.length > 0
            ? `Versions are its tags, e.g. ${versions
                .slice(-3)
                .map((v) => v.tag)
                .join(
                  ', ',
                )} (\`abra recipe versions ${recipe}\`); \`abra recipe fetch ${recipe}\` gets new ones.`
            : `It has no release tags: leave out the version, or use --chaos for the working tree.`,
        code: 'recipe_version_unknown',
      });
    return { rev: opts.version, version: opts.version, label: opts.version, warnings: [] };
  }
  // versionTags sorts oldest first, by abra's version order.
  const latest = versions.at(-1);
  if (latest !== undefined) return { rev: latest.tag, version: latest.tag, label: latest.tag, warnings: [] };
  const head = await git.resolveCommit(dir, 'HEAD');
  if (head === undefined)
    throw new UserError(`Recipe ${recipe} has no commits yet`, {
      where: dir,
      hint: 'Commit the recipe first, or use --chaos to start from its working tree.',
      code: 'recipe_empty',
    });
  const short = head.slice(0, 8);
  return {
    rev: head,
    version: short,
    label: `commit ${short}`,
    warnings: [`Recipe ${recipe} has no release tags; the app starts from its current commit ${short}.`],
  };
}

/** The recipe's .env.sample at a revision, or in the working tree. */
export async function readSample(
  dir: string,
  recipe: string,
  source: NewAppSource,
  git: Pick<GitClient, 'showFileBytes'>,
): Promise<string> {
  const missing = (where: string) =>
    new UserError(`Recipe ${recipe} has no .env.sample (${source.label}), so no app can be made from it`, {
      where,
      hint: 'A recipe must ship a .env.sample (lint R008); add one, or choose a version that has it.',
      code: 'recipe_no_env_sample',
    });
  if (source.rev !== undefined) {
    // Lossless text: a Latin-1 sample reaches the app env with its bytes unchanged.
    const bytes = await git.showFileBytes(dir, source.rev, ENV_SAMPLE);
    if (bytes === undefined) throw missing(`${dir} (${source.rev}:${ENV_SAMPLE})`);
    return decodeLossless(bytes);
  }
  try {
    return decodeLossless(await readFile(join(dir, ENV_SAMPLE)));
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') throw missing(join(dir, ENV_SAMPLE));
    throw err;
  }
}
