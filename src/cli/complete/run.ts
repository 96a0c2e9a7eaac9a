import { readFileSync } from 'node:fs';
import { abraPaths } from '../../infra/store/paths.js';
import { complete, renderCompletion } from './candidates.js';
import { diskSource } from './disk.js';
import type { CommandSpec } from './spec.js';

/** Set by scripts/build.mjs: the completion tree generated at build time, next to the bundle. */
declare const __ABRA_COMPLETE_SPEC__: string | undefined;

/**
 * `abra __complete <words after abra...>`: what the shell scripts call on Tab. Prints one
 * candidate a line and never fails: a completion that errors would print into the user's
 * command line, so any fault means no candidates.
 */
export async function runComplete(
  words: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  try {
    const spec = await completionSpec();
    return renderCompletion(complete(spec, words.length === 0 ? [''] : words, diskSource(abraPaths(env))));
  } catch {
    return ':words\n';
  }
}

/** The whole `abra __complete` process: bin/abra.js comes here without loading the rest of the CLI. */
export async function completeMain(words: readonly string[]): Promise<void> {
  process.stdout.write(await runComplete(words));
}

async function completionSpec(): Promise<CommandSpec> {
  if (typeof __ABRA_COMPLETE_SPEC__ === 'string')
    return JSON.parse(
      readFileSync(new URL(`./${__ABRA_COMPLETE_SPEC__}`, import.meta.url), 'utf8'),
    ) as CommandSpec;
  // From source (tests, tsx): the real commands, loaded now.
  return (await import('./live-spec.js')).liveCompletionSpec();
}
