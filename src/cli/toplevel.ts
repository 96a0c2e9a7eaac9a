import { Argument, type Command } from 'commander';
import { UserError } from '../errors.js';
import { completionScripts, SHELLS, type Shell } from './complete/scripts.js';
import { examplesText } from './examples.js';
import { findTopic, helpTopics } from './help-topics.js';
import type { VerbSpec } from './registry.js';
import { renderVersion, versionInfo } from './version.js';

/** `abra -v` / `abra --version` before any command word (global flags may come first). */
export function isVersionRequest(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === '-v' || a === '--version') return true;
    if (!a.startsWith('-') || a === '--') return false;
  }
  return false;
}

/** `--machine`/`-m` anywhere before `--` (words after it belong to a command run in a container). */
export function wantsMachine(args: readonly string[]): boolean {
  const dash = args.indexOf('--');
  return (dash < 0 ? args : args.slice(0, dash)).some((a) => a === '--machine' || a === '-m');
}

export function printVersion(machine: boolean): void {
  process.stdout.write(`${renderVersion(versionInfo(), machine)}\n`);
}

/** Commands that are not `<noun> <verb>`: version, autocomplete, help topics, completion. */
export function addTopLevel(program: Command, verbCommands: Map<VerbSpec, Command>): void {
  program
    .command('version')
    .description('Print the version, the commit it was built from, and the Node.js version')
    .option('-m, --machine', 'print JSON')
    .addHelpText('after', examplesText('version'))
    .exitOverride()
    .action((opts: { machine?: boolean }) => printVersion(opts.machine === true));

  program
    .command('autocomplete')
    .description('Print the shell completion script for bash, zsh or fish (see the examples to install it)')
    .addArgument(new Argument('<shell>', 'the shell the script is for').choices(SHELLS))
    .addHelpText('after', examplesText('autocomplete'))
    .exitOverride()
    .action((shell: Shell) => {
      process.stdout.write(completionScripts[shell]);
    });
  // What the completion scripts call on Tab. main() answers it before commander is built (and
  // bin/abra.js before even that); registered so the command tree knows the name.
  program
    .command('__complete', { hidden: true })
    .description('Print completion candidates for the words after `abra`')
    .argument('[words...]')
    .helpOption(false)
    .allowUnknownOption()
    .exitOverride()
    .action(async (_words: string[], _opts: unknown, self: Command) => {
      const { runComplete } = await import('./complete/run.js');
      process.stdout.write(await runComplete(self.args));
    });

  program.helpCommand(false);
  program
    .command('help')
    .alias('h')
    .description(`Show help for a command, or a topic: ${helpTopics.map((t) => t.name).join(', ')}`)
    .argument('[words...]', 'a command (e.g. app deploy) or a topic')
    .addHelpText(
      'after',
      `\nTopics:\n${helpTopics.map((t) => `  ${t.name.padEnd(10)}${t.summary}`).join('\n')}\n` +
        '\nExamples:\n  abra help secrets\n  abra help app deploy\n',
    )
    .exitOverride()
    .action(async (words: string[]) => {
      const topic = words.length === 1 ? findTopic(words[0] ?? '') : undefined;
      if (topic) return void process.stdout.write(`${topic.text}\n`);
      const target = await commandAt(program, words, verbCommands);
      if (target === undefined)
        throw new UserError(`No command or help topic "${words.join(' ')}"`, {
          hint: `Topics: ${helpTopics.map((t) => t.name).join(', ')}; commands: \`abra --help\`.`,
          code: 'usage',
        });
      target.outputHelp();
    });
}

/** The command `words` names (aliases too), with its module loaded so its help is complete. */
async function commandAt(
  program: Command,
  words: readonly string[],
  verbCommands: Map<VerbSpec, Command>,
): Promise<Command | undefined> {
  let cmd = program;
  for (const w of words) {
    const next = cmd.commands.find((c) => c.name() === w || c.aliases().includes(w));
    if (next === undefined) return undefined;
    cmd = next;
  }
  for (const [spec, c] of verbCommands) if (c === cmd) (await spec.load()).define(c);
  return cmd;
}
