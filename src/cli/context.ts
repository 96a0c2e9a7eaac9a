import type { Command } from 'commander';
import { DockerConnector } from '../infra/docker/connector.js';
import { abraPaths } from '../infra/store/paths.js';
import { ServerStore } from '../infra/store/servers.js';
import { createValidatorLoader } from '../services/compose/load-recipe.js';
import type { Deps } from '../services/deps.js';
import { consoleIo } from '../ui/io.js';

export interface GlobalOptions {
  debug: boolean;
  noInput: boolean;
  offline: boolean;
}

export function globalsOf(cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals<{ debug?: boolean; input?: boolean; offline?: boolean }>();
  return { debug: o.debug === true, noInput: o.input === false, offline: o.offline === true };
}

/**
 * Build the dependencies for one command run, run it, and always release connections so
 * the process can exit (an open SSH connection would keep it alive).
 */
export async function withDeps<T>(
  cmd: Command,
  fn: (deps: Deps, globals: GlobalOptions) => Promise<T>,
): Promise<T> {
  const globals = globalsOf(cmd);
  const env = process.env;
  const io = consoleIo({ debug: globals.debug, noInput: globals.noInput });
  const paths = abraPaths(env);
  const docker = new DockerConnector({ env, debug: io.debug, warn: io.warn });
  const deps: Deps = {
    paths,
    servers: new ServerStore(paths),
    docker,
    io,
    env,
    composeValidator: createValidatorLoader(),
  };
  try {
    return await fn(deps, globals);
  } finally {
    if (globals.debug) {
      // What the run cost on the wire: benchmarks and operators check "one connection per server".
      const ssh = await docker.sshStats();
      io.debug(
        `ssh connections=${ssh.connectionsOpened} channels=${ssh.channelsOpened} api calls=${docker.apiCalls()}`,
      );
    }
    await docker.close();
  }
}
