import type { Command } from 'commander';

/** What a word can be completed from: names on disk, or the shell's own file completion. */
export type ValueKind =
  | 'app'
  | 'server'
  | 'recipe'
  | 'version'
  | 'service'
  | 'secret'
  | 'file'
  /** `app cmd`'s first word: an app, or `ls`; then [service] <function of abra.sh>. */
  | 'cmd-app'
  | 'cmd-words'
  | 'none';

export interface FlagSpec {
  /** `-s`, when the flag has a short form. */
  short?: string;
  long: string;
  description: string;
  /** Set when the flag takes a value: what completes it. */
  value?: ValueKind;
  /** The only values it takes, when commander knows them. */
  choices?: string[];
}

export interface ArgSpec {
  name: string;
  kind: ValueKind;
  variadic: boolean;
  choices?: string[];
}

export interface CommandSpec {
  name: string;
  aliases: string[];
  description: string;
  flags: FlagSpec[];
  args: ArgSpec[];
  commands: CommandSpec[];
}

/**
 * The command tree as data: generated from the real commander definitions (every module
 * loaded) at build time into dist/complete-spec.json, so completing a word loads no command code.
 */
export function specOf(cmd: Command, path = ''): CommandSpec {
  return {
    name: cmd.name(),
    aliases: cmd.aliases(),
    description: cmd.description(),
    flags: cmd.options
      .filter((o) => !o.hidden && o.long !== undefined)
      .map((o) => ({
        ...(o.short ? { short: o.short } : {}),
        long: o.long as string,
        description: o.description,
        ...(o.required || o.optional ? { value: kindOfName(valueName(o.flags)) } : {}),
        ...(o.argChoices ? { choices: [...o.argChoices] } : {}),
      })),
    args: cmd.registeredArguments.map((a) => ({
      name: a.name(),
      kind: ARG_KIND_OVERRIDES[`${path} ${a.name()}`] ?? kindOfName(a.name()),
      variadic: a.variadic,
      ...(a.argChoices ? { choices: [...a.argChoices] } : {}),
    })),
    commands: cmd.commands
      .filter((c) => !isHidden(c))
      .map((c) => specOf(c, path === '' ? c.name() : `${path} ${c.name()}`)),
  };
}

/** Commander keeps `{ hidden: true }` of a subcommand in a private field. */
export function isHidden(cmd: Command): boolean {
  return (cmd as unknown as { _hidden?: boolean })._hidden === true;
}

/** Arguments whose name says too little or the wrong thing: a new recipe is not an existing one. */
const ARG_KIND_OVERRIDES: Readonly<Record<string, ValueKind>> = {
  'recipe new recipe': 'none',
  'app cmd app': 'cmd-app',
  'app cmd words': 'cmd-words',
};

function valueName(flags: string): string {
  return /[<[]([^>\]]+)[>\]]/.exec(flags)?.[1] ?? '';
}

/** Argument and flag-value names are conventional across commands; they say what to complete. */
export function kindOfName(name: string): ValueKind {
  const base = name.replace(/\.\.\.$/, '');
  switch (base) {
    case 'app':
    case 'server':
    case 'recipe':
    case 'version':
    case 'service':
    case 'secret':
      return base;
    case 'file':
    case 'path':
    case 'src':
    case 'dst':
      return 'file';
    default:
      return 'none';
  }
}
