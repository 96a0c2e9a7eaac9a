import { helpTopics } from '../help-topics.js';
import type { ArgSpec, CommandSpec, FlagSpec, ValueKind } from './spec.js';

export interface Candidate {
  value: string;
  description?: string;
}

export interface Completion {
  candidates: Candidate[];
  /** Nothing of ours fits here: let the shell complete file names. */
  files: boolean;
}

/** What completion reads from disk (~/.abra); every method answers [] rather than failing. */
export interface CompletionSource {
  servers(): string[];
  /** Each app with its server as the description (zsh and fish show it). */
  apps(): Candidate[];
  recipes(): string[];
  /** The recipe an app's env file names. */
  recipeOf(app: string): string | undefined;
  versions(recipe: string): string[];
  services(app: string): string[];
  secrets(app: string): string[];
  /** The functions of the app's recipe's abra.sh (`app cmd`). */
  functions(app: string): string[];
}

const HELP_FLAG: FlagSpec = { short: '-h', long: '--help', description: 'show help' };

/**
 * Candidates for the last word of `words` (the words after `abra`; the last one is the word
 * being completed, possibly empty). Pure given the source, so it is tested without a shell.
 */
export function complete(root: CommandSpec, words: readonly string[], source: CompletionSource): Completion {
  const before = words.slice(0, -1);
  const current = words.at(-1) ?? '';
  let node = root;
  const path: CommandSpec[] = [root];
  const positionals: string[] = [];
  let pendingFlag: FlagSpec | undefined;
  for (const w of before) {
    if (pendingFlag) {
      // bash without bash-completion splits `--server=alpha` into `--server`, `=`, `alpha`.
      if (w !== '=') pendingFlag = undefined;
      continue;
    }
    if (w === '--') return { candidates: [], files: true };
    if (w.startsWith('-') && w !== '-') {
      const flag = findFlag(path, w);
      if (flag?.value !== undefined && !w.includes('=')) pendingFlag = flag;
      continue;
    }
    const child = positionals.length === 0 ? findChild(node, w) : undefined;
    if (child) {
      node = child;
      path.push(child);
    } else positionals.push(w);
  }
  if (pendingFlag?.value !== undefined)
    return values(pendingFlag, current === '=' ? '' : current, positionals, node, source);
  const eq = current.indexOf('=');
  if (current.startsWith('--') && eq > 0) {
    // `--server=al`: the value completes, and each candidate carries the flag so the shell
    // replaces the whole word.
    const flag = findFlag(path, current);
    if (flag?.value === undefined) return { candidates: [], files: false };
    const head = current.slice(0, eq + 1);
    const inner = values(flag, current.slice(eq + 1), positionals, node, source);
    return { candidates: inner.candidates.map((c) => ({ ...c, value: head + c.value })), files: false };
  }
  if (current.startsWith('-')) {
    const flags = [...path.flatMap((c) => c.flags).reverse(), HELP_FLAG];
    const seen = new Set<string>();
    const out: Candidate[] = [];
    for (const f of flags)
      for (const name of current.startsWith('--') || f.short === undefined ? [f.long] : [f.long, f.short])
        if (name.startsWith(current) && !seen.has(name)) {
          seen.add(name);
          out.push({ value: name, description: f.description });
        }
    return { candidates: out, files: false };
  }
  if (node.name === 'help' && path.length === 2) return helpCandidates(root, positionals, current);
  if (node.commands.length > 0 && positionals.length === 0)
    return { candidates: commandsFor(node, current), files: false };
  const arg = argAt(node.args, positionals.length);
  if (arg === undefined) return { candidates: [], files: false };
  return values({ value: arg.kind, choices: arg.choices }, current, positionals, node, source);
}

/** Candidates for a flag's value or an argument: its choices, else what its kind names. */
function values(
  what: { value?: ValueKind; choices?: string[] | undefined },
  current: string,
  positionals: readonly string[],
  node: CommandSpec,
  source: CompletionSource,
): Completion {
  const plain = (names: string[]) => ({
    candidates: filter(
      unique(names).map((value) => ({ value })),
      current,
    ),
    files: false,
  });
  if (what.choices !== undefined) return plain(what.choices);
  const app = () => positionalOfKind(node, positionals, 'app');
  switch (what.value) {
    case 'server':
      return plain(source.servers());
    case 'cmd-app': {
      // `app cmd` takes `ls` where the app goes
      const apps = values({ value: 'app' }, current, positionals, node, source).candidates;
      return {
        candidates: [
          ...filter([{ value: 'ls', description: "list the functions of the app's abra.sh" }], current),
          ...apps,
        ],
        files: false,
      };
    }
    case 'app': {
      const seen = new Set<string>();
      const apps = source.apps().filter((a) => !seen.has(a.value) && seen.add(a.value));
      apps.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
      return { candidates: filter(apps, current), files: false };
    }
    case 'recipe':
      return plain(source.recipes());
    case 'version': {
      const recipe =
        positionalOfKind(node, positionals, 'recipe') ?? mapped(app(), (a) => source.recipeOf(a));
      return plain(recipe === undefined ? [] : source.versions(recipe));
    }
    case 'service':
      return plain(mapped(app(), (a) => source.services(a)) ?? []);
    case 'secret':
      return plain(mapped(app(), (a) => source.secrets(a)) ?? []);
    case 'cmd-words': {
      // `app cmd ls <app>`, or `app cmd <app> [service] <function>`
      const [first, second] = positionals;
      if (first === 'ls')
        return positionals.length === 1 ? plain(source.apps().map((a) => a.value)) : plain([]);
      if (first === undefined || positionals.length > 2) return plain([]);
      const services = source.services(first);
      const functions = source.functions(first);
      if (positionals.length === 1) return plain([...services, ...functions]);
      return plain(second !== undefined && services.includes(second) ? functions : []);
    }
    case 'file':
      return { candidates: [], files: true };
    default:
      return { candidates: [], files: false };
  }
}

function helpCandidates(root: CommandSpec, positionals: readonly string[], current: string): Completion {
  let node: CommandSpec | undefined = root;
  for (const w of positionals) node = node === undefined ? undefined : findChild(node, w);
  if (node === undefined) return { candidates: [], files: false };
  const topics =
    positionals.length === 0 ? helpTopics.map((t) => ({ value: t.name, description: t.summary })) : [];
  return { candidates: [...commandsFor(node, current), ...filter(topics, current)], files: false };
}

function mapped<T>(v: string | undefined, f: (v: string) => T): T | undefined {
  return v === undefined ? undefined : f(v);
}

function positionalOfKind(
  node: CommandSpec,
  positionals: readonly string[],
  kind: ValueKind,
): string | undefined {
  const i = node.args.findIndex((a) => a.kind === kind);
  return i < 0 ? undefined : positionals[i];
}

function argAt(args: readonly ArgSpec[], i: number): ArgSpec | undefined {
  const last = args.at(-1);
  return args[i] ?? (last?.variadic ? last : undefined);
}

function findChild(node: CommandSpec, word: string): CommandSpec | undefined {
  return node.commands.find((c) => c.name === word || c.aliases.includes(word));
}

function findFlag(path: readonly CommandSpec[], word: string): FlagSpec | undefined {
  const name = word.includes('=') ? word.slice(0, word.indexOf('=')) : word;
  for (const c of [...path].reverse()) {
    const f = c.flags.find((x) => x.long === name || x.short === name);
    if (f) return f;
  }
  return undefined;
}

/**
 * Subcommands by name. Aliases are not offered beside names (`rm` next to `remove`; and `d`
 * would stop `app d` from completing to `deploy`), only when no name fits (`app secret li`).
 */
function commandsFor(node: CommandSpec, current: string): Candidate[] {
  const byName = filter(subcommands(node), current);
  if (byName.length > 0) return byName;
  return node.commands.flatMap((c) =>
    c.aliases
      .filter((a) => a.startsWith(current))
      .map((a) => ({ value: a, description: `${c.name}: ${c.description}` })),
  );
}

function subcommands(node: CommandSpec): Candidate[] {
  return node.commands.map((c) => ({ value: c.name, description: c.description }));
}

function filter(candidates: Candidate[], prefix: string): Candidate[] {
  return candidates.filter((c) => c.value.startsWith(prefix));
}

function unique(names: string[]): string[] {
  return [...new Set(names)].sort();
}

// C0 and C1 control characters, DEL, and whitespace other than a plain space: a name from disk
// carrying one is someone else's content and is never echoed to a terminal.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNPRINTABLE = /[\x00-\x1f\x7f-\x9f\u2028\u2029]/;
const UNPRINTABLE_ALL = new RegExp(`${UNPRINTABLE.source}+`, 'g');

/** One candidate a line, `value<TAB>description` (zsh and fish show it; bash drops it), then
 * the directive line the scripts read: `:files` or `:words`. A value that is not printable, or
 * has a space (the shells would split it), is left out. */
export function renderCompletion(c: Completion): string {
  const lines = c.candidates
    .filter((x) => x.value !== '' && !UNPRINTABLE.test(x.value) && !x.value.includes(' '))
    .map((x) => {
      const d = x.description?.replace(UNPRINTABLE_ALL, ' ').trim();
      return d ? `${x.value}\t${d}` : x.value;
    });
  lines.push(c.files ? ':files' : ':words');
  return `${lines.join('\n')}\n`;
}
