import { Command, CommanderError } from 'commander';
import { reportError } from './errors.js';
import { examplesText } from './examples.js';
import { type GroupSpec, isGroup, type NounSpec, registry, type VerbSpec } from './registry.js';
import { addTopLevel, isVersionRequest, printVersion, wantsMachine } from './toplevel.js';

export async function main(argv: string[]): Promise<void> {
  // Tab in a shell: answered from the completion tree and ~/.abra, loading nothing else. The
  // words after it are taken raw (commander would consume the global flags among them).
  const first = argv.findIndex((a, i) => i >= 2 && !a.startsWith('-'));
  if (argv[first] === '__complete') {
    const { runComplete } = await import('./complete/run.js');
    process.stdout.write(await runComplete(argv.slice(first + 1)));
    return;
  }
  const debug = argv.includes('--debug') || argv.includes('-d');
  // The prompt library reads NO_COLOR itself: --no-color reaches it that way.
  if (argv.includes('--no-color')) process.env.NO_COLOR = '1';
  const machine = wantsMachine(argv.slice(2));
  // `abra recipe ls | head` closes our stdout early; that is the reader's choice, not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
  try {
    if (isVersionRequest(argv.slice(2))) return printVersion(machine);
    const { program, verbCommands } = buildProgram(machine);
    const target = findVerb(argv.slice(2), verbCommands);
    if (target) (await target.spec.load()).define(target.cmd);
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    process.exitCode = reportError(err, { debug, machine }, (s) => process.stderr.write(s));
  }
}

export function buildProgram(machine = false): { program: Command; verbCommands: Map<VerbSpec, Command> } {
  const verbCommands = new Map<VerbSpec, Command>();
  const program = new Command('abra')
    .description('The Co-op Cloud command-line utility: deploy and manage free-software apps on Docker Swarm')
    .option('-v, --version', 'print the version, commit and Node.js version')
    .option('-d, --debug', 'show debug messages')
    .option('-n, --no-input', 'never prompt: proceed where a question would be asked')
    .option('-o, --offline', 'prefer local state: do not contact servers, git remotes or registries')
    .option('--no-color', 'no colours (also when NO_COLOR is set)')
    .showSuggestionAfterError()
    .exitOverride();
  // Usage mistakes that commander itself reports become the same JSON object as ours.
  if (machine) program.configureOutput({ outputError: (s, write) => write(machineUsageError(s)) });
  for (const noun of registry) addNoun(program, noun, verbCommands);
  addTopLevel(program, verbCommands);
  return { program, verbCommands };
}

function addNoun(program: Command, noun: NounSpec, verbCommands: Map<VerbSpec, Command>): void {
  const nounCmd = program.command(noun.name).aliases(noun.aliases).description(noun.summary).exitOverride();
  for (const verb of noun.verbs) {
    const cmd = nounCmd
      .command(verb.name, { isDefault: noun.defaultVerb === verb.name })
      .aliases(verb.aliases)
      .description(verb.summary)
      .exitOverride();
    if (!isGroup(verb))
      verbCommands.set(verb, cmd.addHelpText('afterAll', examplesText(`${noun.name} ${verb.name}`)));
    else
      for (const sub of verb.verbs)
        verbCommands.set(
          sub,
          cmd
            .command(sub.name)
            .aliases(sub.aliases)
            .description(sub.summary)
            .addHelpText('afterAll', examplesText(`${noun.name} ${verb.name} ${sub.name}`))
            .exitOverride(),
        );
  }
}

/** Which leaf command argv names, so only that module is loaded. Global flags take no values. */
function findVerb(
  args: string[],
  verbCommands: Map<VerbSpec, Command>,
): { spec: VerbSpec; cmd: Command } | undefined {
  const words = args.filter((a) => !a.startsWith('-'));
  const noun = registry.find((n) => n.name === words[0] || n.aliases.includes(words[0] ?? ''));
  const named = (word: string | undefined) => (v: VerbSpec | GroupSpec) =>
    v.name === word || v.aliases.includes(word ?? '');
  const entry =
    noun?.verbs.find(named(words[1])) ??
    (noun?.defaultVerb === undefined ? undefined : noun.verbs.find(named(noun.defaultVerb)));
  const verb = entry && isGroup(entry) ? entry.verbs.find(named(words[2])) : entry;
  if (!verb) return undefined;
  const cmd = verbCommands.get(verb);
  return cmd ? { spec: verb, cmd } : undefined;
}

function machineUsageError(text: string): string {
  const message = text.replace(/^error:\s*/i, '').trim();
  return `${JSON.stringify({ error: { kind: 'user', code: 'usage', message, exit: 1 } })}\n`;
}
