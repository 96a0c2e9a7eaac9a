import { EngineError, RemoteError, UserError } from '../../errors.js';
import { LOCAL_SERVER, validateServerName } from '../../infra/store/servers.js';
import type { Deps } from '../deps.js';
import { type BootstrapResult, serverBootstrap } from './bootstrap.js';
import { inspectServer, PROXY_NETWORK, requireUsableSwarm, type ServerStatus } from './probe.js';

export interface ServerAddOptions {
  /** Host name or ~/.ssh/config alias; ignored with `local`. */
  name?: string | undefined;
  local: boolean;
}

export interface ServerAddResult {
  name: string;
  endpoint: string;
  dir: string;
  /** False when the server was already added (the command is idempotent). */
  created: boolean;
  status: ServerStatus;
  warnings: string[];
  /** Set when the server lacked Docker or Swarm and the operator chose to bootstrap it. */
  bootstrap?: BootstrapResult;
}

/** What `server bootstrap` can fix: no Docker, Docker stopped, no swarm yet. */
const BOOTSTRAPPABLE = new Set(['docker_not_installed', 'docker_not_running', 'swarm_inactive']);

/**
 * Register a server: prove SSH works, Docker answers and Swarm is active on a manager, and
 * only then create `servers/<name>/`. Any failure leaves the disk untouched.
 */
export async function serverAdd(
  opts: ServerAddOptions,
  deps: Pick<Deps, 'servers' | 'docker' | 'events' | 'prompt' | 'git' | 'clock'>,
): Promise<ServerAddResult> {
  const name = resolveName(opts);
  const docker = deps.docker.client(name);
  deps.events({ type: 'debug', message: `server add ${name}: checking ${docker.endpoint}` });
  let status: ServerStatus;
  let bootstrap: BootstrapResult | undefined;
  try {
    status = await inspectServer(docker);
    requireUsableSwarm(name, status);
  } catch (err) {
    const code = err instanceof RemoteError || err instanceof EngineError ? err.code : undefined;
    if (name === LOCAL_SERVER || !code || !BOOTSTRAPPABLE.has(code)) throw err;
    // Only a person at a terminal is offered it: --no-input would answer yes to a change
    // this large without anyone having asked for it.
    const yes =
      deps.prompt.interactive &&
      (await deps.prompt.confirm(
        `${(err as Error).message}. Bootstrap ${name} now (install Docker if missing, swarm init, network proxy)?`,
      ));
    if (!yes) throw withBootstrapHint(name, err as RemoteError | EngineError);
    bootstrap = await serverBootstrap(
      { server: name, force: false },
      {
        events: deps.events,
        clock: deps.clock,
        shell: (s) => deps.docker.shell(s),
        engine: (s) => deps.docker.client(s),
      },
    );
    status = await inspectServer(docker);
    requireUsableSwarm(name, status);
  }

  const warnings: string[] = [];
  if (!status.proxyNetwork) {
    warnings.push(
      `The overlay network "${PROXY_NETWORK}" does not exist on ${name}; apps behind Traefik need it. ` +
        `Create it with \`docker network create -d overlay --attachable ${PROXY_NETWORK}\` on the server.`,
    );
  }
  const created = !(await deps.servers.exists(name));
  const dir = created ? await deps.servers.create(name) : deps.servers.dirOf(name);
  return {
    name,
    endpoint: docker.endpoint,
    dir,
    created,
    status,
    warnings,
    ...(bootstrap ? { bootstrap } : {}),
  };
}

function withBootstrapHint(server: string, err: RemoteError | EngineError): RemoteError | EngineError {
  const hint = `Run \`abra server bootstrap ${server}\` (installs Docker if missing, runs swarm init, creates the proxy network), then add the server again.`;
  return err instanceof EngineError
    ? new EngineError(server, err.message, { hint, code: err.code, cause: err })
    : new RemoteError(server, err.message, { hint, code: err.code, cause: err });
}

function resolveName(opts: ServerAddOptions): string {
  if (opts.local) {
    if (opts.name && opts.name !== LOCAL_SERVER) {
      throw new UserError(
        `--local always names the server "${LOCAL_SERVER}"; do not also give "${opts.name}"`,
        {
          hint: `Run \`abra server add --local\`, or \`abra server add ${opts.name}\` to reach it over SSH.`,
          code: 'usage',
        },
      );
    }
    return LOCAL_SERVER;
  }
  if (!opts.name) {
    throw new UserError('Which server? Give a host name or an ~/.ssh/config Host alias', {
      hint: 'Run `abra server add <host>`, or `abra server add --local` for the Docker engine on this machine.',
      code: 'usage',
    });
  }
  if (opts.name === LOCAL_SERVER) {
    throw new RemoteError(LOCAL_SERVER, `"${LOCAL_SERVER}" is reserved for the local engine`, {
      hint: 'Use `abra server add --local`.',
      code: 'usage',
    });
  }
  validateServerName(opts.name);
  return opts.name;
}
