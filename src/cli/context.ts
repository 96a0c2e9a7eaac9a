import type { Command } from 'commander';
import { systemDns } from '../infra/dns/system.js';
import { DockerConnector } from '../infra/docker/connector.js';
import { GitClient } from '../infra/git/client.js';
import { machineId } from '../infra/host/machine-id.js';
import { abraPaths } from '../infra/store/paths.js';
import { ServerStore } from '../infra/store/servers.js';
import { createValidatorLoader } from '../services/compose/load-recipe.js';
import { type Deps, systemClock } from '../services/deps.js';
import { eventRenderer } from '../ui/events.js';
import { consoleIo, type Io } from '../ui/io.js';
import { terminalPrompt } from '../ui/prompt.js';

export interface GlobalOptions {
  debug: boolean;
  noInput: boolean;
  offline: boolean;
  /** The command's own --machine flag: events become JSON lines. */
  machine: boolean;
  /** False with --no-color or a non-empty NO_COLOR (https://no-color.org). */
  color: boolean;
  /** The command's --show-secrets flag: --machine output may then hold secret values. */
  showSecrets: boolean;
}

/** What a command module gets: the services' dependencies plus the terminal, which only it uses. */
export interface CommandDeps extends Deps {
  io: Io;
}

export function globalsOf(cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals<{
    debug?: boolean;
    input?: boolean;
    offline?: boolean;
    machine?: boolean;
    color?: boolean;
    showSecrets?: boolean;
  }>();
  return {
    debug: o.debug === true,
    noInput: o.input === false,
    offline: o.offline === true,
    machine: o.machine === true,
    color: o.color !== false && !process.env.NO_COLOR,
    showSecrets: o.showSecrets === true,
  };
}

/**
 * The composition root: build the dependencies for one command run, run it, and always release
 * connections so the process can exit (an open SSH connection would keep it alive).
 */
export async function withDeps<T>(
  cmd: Command,
  fn: (deps: CommandDeps, globals: GlobalOptions) => Promise<T>,
): Promise<T> {
  const globals = globalsOf(cmd);
  const env = process.env;
  const io = consoleIo({ debug: globals.debug });
  const started = Date.now();
  const events = eventRenderer({
    write: (s) => process.stderr.write(s),
    debug: globals.debug,
    machine: globals.machine,
    showSecrets: globals.showSecrets,
    // Generated secret values go with the command's output, so `> file` keeps them off the screen.
    reveal: (s) => process.stdout.write(s),
    elapsed: () => Date.now() - started,
    // A spinner only where a person watches; logs and pipes get the plain lines alone.
    live: process.stderr.isTTY
      ? { columns: () => process.stderr.columns || 80, color: globals.color }
      : undefined,
  });
  const debug = (message: string) => events({ type: 'debug', message });
  const paths = abraPaths(env);
  const docker = new DockerConnector({ env, debug, warn: (message) => events({ type: 'warning', message }) });
  let ownId: Promise<string> | undefined;
  const deps: CommandDeps = {
    paths,
    servers: new ServerStore(paths),
    docker,
    git: new GitClient({ env, debug }),
    events,
    prompt: terminalPrompt({ noInput: globals.noInput }),
    clock: systemClock,
    dns: systemDns,
    signals: process,
    machineId: () => {
      ownId ??= machineId(paths.root);
      return ownId;
    },
    io,
    env,
    argv: process.argv.slice(2),
    composeValidator: createValidatorLoader(),
  };
  try {
    return await fn(deps, globals);
  } finally {
    if (globals.debug) {
      // What the run cost on the wire: benchmarks and operators check "one connection per server".
      const ssh = await docker.sshStats();
      debug(
        `ssh connections=${ssh.connectionsOpened} channels=${ssh.channelsOpened} api calls=${docker.apiCalls()}`,
      );
    }
    await docker.close();
    events.close();
  }
}
