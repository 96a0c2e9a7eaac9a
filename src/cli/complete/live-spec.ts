import { buildProgram } from '../main.js';
import { type CommandSpec, specOf } from './spec.js';

/**
 * The completion tree of the real commands: every command module loaded and defined, so each
 * one's own arguments and flags are in it. Too slow for a Tab press (it loads all command code);
 * the build writes its result to dist/complete-spec.json, and only runs from source use it live.
 */
export async function liveCompletionSpec(): Promise<CommandSpec> {
  const { program, verbCommands } = buildProgram();
  for (const [spec, cmd] of verbCommands) (await spec.load()).define(cmd);
  return specOf(program);
}
