import { hostname } from 'node:os';
import type { EventSink } from '../domain/events/types.js';
import { systemDns } from '../infra/dns/system.js';
import { DockerConnector } from '../infra/docker/connector.js';
import { GitClient } from '../infra/git/client.js';
import { machineId } from '../infra/host/machine-id.js';
import { abraPaths } from '../infra/store/paths.js';
import { ServerStore } from '../infra/store/servers.js';
import { createValidatorLoader } from '../services/compose/load-recipe.js';
import { type Deps, type Prompt, systemClock } from '../services/deps.js';
import type { OpContext } from './ops.js';

/** The server's own dependencies, built once; each request or operation derives its own. */
export interface WebDeps {
  base: Deps;
  /** Deps for one operation of `user`: its events, its cancel, its audit name, its command. */
  forOp(user: string, argv: readonly string[], ctx: OpContext): Deps;
  close(): Promise<void>;
}

/** How the audit log and lock messages name a dashboard user: `alice (web@host)`. */
export function webOperator(user: string): string {
  return `${user} (web@${hostname()})`;
}

// The dashboard never asks: services only call select/text when `interactive`.
const formConfirmed: Prompt = {
  interactive: false,
  confirm: async () => true,
  select: async (question) => {
    throw new Error(`bug: the dashboard was asked to choose (${question}); please report it`);
  },
  text: async (question) => {
    throw new Error(`bug: the dashboard was asked for text (${question}); please report it`);
  },
  note: async () => {},
};

export function webDeps(env: NodeJS.ProcessEnv, log: EventSink): WebDeps {
  const paths = abraPaths(env);
  const debug = (message: string) => log({ type: 'debug', message });
  const docker = new DockerConnector({ env, debug, warn: (message) => log({ type: 'warning', message }) });
  let ownId: Promise<string> | undefined;
  const base: Deps = {
    paths,
    servers: new ServerStore(paths),
    docker,
    git: new GitClient({ env, debug }),
    events: log,
    // The form the user submitted was the confirmation; services are called with noInput.
    prompt: formConfirmed,
    clock: systemClock,
    dns: systemDns,
    signals: process,
    machineId: () => {
      ownId ??= machineId(paths.root);
      return ownId;
    },
    env,
    argv: ['web'],
    composeValidator: createValidatorLoader(),
  };
  return {
    base,
    forOp: (user, argv, ctx) => ({
      ...base,
      events: ctx.emit,
      signals: ctx.signals,
      argv,
      operator: webOperator(user),
    }),
    close: () => docker.close(),
  };
}
