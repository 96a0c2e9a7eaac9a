// The commands of a recipe's abra.sh (`abra app cmd`) and the POST_DEPLOY_CMDS env key.

/**
 * Shell functions defined in abra.sh, in order, each once: `name() {`, `name ()`,
 * `function name {` and `function name() {`. Like Go abra (ReadAbraShCmdNames), only
 * definitions are read; nothing is executed. Commented lines are ignored.
 */
export function abraShFunctions(text: string): string[] {
  const names: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#')) continue;
    const m =
      /^function\s+([A-Za-z_][A-Za-z0-9_-]*)\s*(?:\(\s*\))?\s*(?:\{|$)/.exec(line) ??
      /^([A-Za-z_][A-Za-z0-9_-]*)\s*\(\s*\)\s*(?:\{|$)/.exec(line);
    if (m && !names.includes(m[1]!)) names.push(m[1]!);
  }
  return names;
}

/** Longest abra.sh passed inline to `sh -c` (Linux allows 128 KiB for one argument). */
export const MAX_INLINE_SCRIPT = 120 * 1024;

/**
 * The `sh -c` script that runs one function: abra.sh sourced as text, then the function with
 * the positional parameters ("$@"), so arguments are passed as words, never re-parsed.
 */
export function functionScript(abraSh: string, fn: string): string {
  return `${abraSh}\n${fn} "$@"\n`;
}

export interface PostDeployCmd {
  service: string;
  fn: string;
  args: string[];
  /** The command as written, for messages. */
  text: string;
}

export type PostDeployParse = { ok: true; cmds: PostDeployCmd[] } | { ok: false; error: string };

/**
 * POST_DEPLOY_CMDS as Go abra reads it: commands separated by `|`, each
 * `<service> <function> [args...]` split on spaces ("app migrate|db vacuum full").
 * Empty pieces are skipped; a piece with fewer than two words is an error naming it.
 */
export function parsePostDeployCmds(value: string | undefined): PostDeployParse {
  const cmds: PostDeployCmd[] = [];
  for (const piece of (value ?? '').split('|')) {
    const text = piece.trim();
    if (text === '') continue;
    const words = text.split(/\s+/);
    if (words.length < 2)
      return {
        ok: false,
        error: `POST_DEPLOY_CMDS entry "${text}" needs a service and a function ("<service> <function> [args]", entries separated by |)`,
      };
    cmds.push({ service: words[0]!, fn: words[1]!, args: words.slice(2), text });
  }
  return { ok: true, cmds };
}
