import type { EventSink } from '../../domain/events/types.js';
import { Cancelled, UserError } from '../../errors.js';
import type { DockerClient } from '../../infra/docker/client.js';
import { DockerApiError } from '../../infra/docker/client.js';
import type { Deps } from '../deps.js';
import { runOperation } from '../operation/run.js';
import { deployedVersion, readCurrent } from '../release/current.js';
import { belongsTo, byNamespace, readStack, shortName } from '../stack/read.js';
import { type AppPruneResult, currentSecretNames, pruneAppLeftovers } from './prune.js';
import { resolveApp } from './resolve.js';

export interface UndeployResult {
  app: string;
  server: string;
  services: string[];
  networks: string[];
  /** With --prune: what was removed after the undeploy. */
  pruned?: AppPruneResult;
}

/**
 * Remove an app's services and networks (`docker stack rm`), keeping volumes, secrets and
 * configs, and return only once its tasks' containers and networks are gone: a `remove` or a
 * redeploy straight after would otherwise find volumes in use or networks half-removed.
 */
export async function appUndeploy(
  opts: {
    app: string;
    noInput: boolean;
    timeoutMs?: number;
    argv?: readonly string[];
    forceUnlock?: boolean;
    /** Also remove unused configs, secrets of old versions and leftover networks (prune.ts). */
    prune?: boolean;
  },
  deps: Pick<
    Deps,
    | 'paths'
    | 'docker'
    | 'events'
    | 'prompt'
    | 'env'
    | 'signals'
    | 'machineId'
    | 'argv'
    | 'clock'
    | 'git'
    | 'composeValidator'
  >,
): Promise<UndeployResult> {
  const app = await resolveApp(opts.app, deps);
  return runOperation(
    {
      kind: 'undeploy',
      app: app.name,
      server: app.server,
      argv: opts.argv,
      forceUnlock: opts.forceUnlock === true,
    },
    deps,
    async (op) => {
      const stack = await readStack(app.docker, app.stack);
      if (stack.services.length === 0 && stack.networks.length === 0) {
        throw new UserError(`${app.name} is not deployed on ${app.server}`, {
          hint: `Nothing to undeploy; \`abra app ps ${app.name}\` shows what runs.`,
          code: 'app_not_deployed',
        });
      }
      op.note.version.from = deployedVersion(await readCurrent(app.docker, app.stack), app.stack);
      const keep = opts.prune ? await currentSecretNames(app.name, deps) : undefined;
      const names = stack.services.map((s) => shortName(app.stack, s.Spec.Name));
      if (!opts.noInput) {
        const ok = await deps.prompt.confirm(
          `Undeploy ${app.name} from ${app.server} (services: ${names.join(', ')})? ${
            keep
              ? 'Then prune its unused configs, secrets of old versions and leftover networks; volumes and current secrets are kept.'
              : 'Volumes and secrets are kept.'
          }`,
        );
        if (!ok) throw new Cancelled('Undeploy cancelled; the app keeps running.');
      }
      op.checkpoint();
      const result = await removeStack(app.docker, app.stack, {
        app: app.name,
        server: app.server,
        timeoutMs: opts.timeoutMs ?? 120_000,
        events: op.emit,
      });
      if (keep) result.pruned = await pruneAppLeftovers(app.docker, app.stack, keep, op);
      return result;
    },
  );
}

/** Shared with deploy: a fresh deploy that fails is undone the same way. */
export async function removeStack(
  docker: DockerClient,
  stack: string,
  opts: { app: string; server: string; timeoutMs: number; events: EventSink },
): Promise<UndeployResult> {
  const current = await readStack(docker, stack);
  for (const s of current.services) {
    if (!belongsTo(stack, s.Spec.Labels)) continue;
    await ignoreMissing(docker.removeService(s.ID));
    opts.events({ type: 'object', action: 'removed', kind: 'service', name: shortName(stack, s.Spec.Name) });
  }
  const deadline = Date.now() + opts.timeoutMs;
  const networks = current.networks.filter((n) => belongsTo(stack, n.Labels));
  // Tasks (and so containers, on every node) go away asynchronously after their service is
  // removed, and networks can only be removed once nothing is attached.
  for (;;) {
    const [tasks, containers, left] = await Promise.all([
      docker.tasks(byNamespace(stack)),
      docker.containers(byNamespace(stack)),
      docker.networks(byNamespace(stack)),
    ]);
    const ours = left.filter((n) => belongsTo(stack, n.Labels));
    const running = containers.filter((c) => belongsTo(stack, c.Labels));
    for (const n of ours) {
      await docker.removeNetwork(n.Id).then(
        () => opts.events({ type: 'object', action: 'removed', kind: 'network', name: n.Name }),
        (err: unknown) =>
          opts.events({ type: 'debug', message: `network ${n.Name}: ${(err as Error).message}` }),
      );
    }
    if (tasks.length === 0 && running.length === 0 && ours.length === 0) break;
    if (Date.now() > deadline) {
      const what = [
        tasks.length ? `${tasks.length} task(s)` : '',
        running.length ? `containers ${running.map((c) => c.Names.join('/')).join(', ')}` : '',
        ours.length ? `networks ${ours.map((n) => n.Name).join(', ')}` : '',
      ].filter(Boolean);
      throw new UserError(
        `${opts.app} is still shutting down after ${opts.timeoutMs / 1000}s: ${what.join('; ')} left`,
        {
          where: `server ${opts.server}`,
          hint:
            'A container may be slow to stop (its stop_grace_period) or something else is attached to the network; ' +
            `check \`abra app ps ${opts.app}\` and \`docker network inspect\` on the server, then run the undeploy again.`,
          code: 'undeploy_timeout',
        },
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    app: opts.app,
    server: opts.server,
    services: current.services.map((s) => shortName(stack, s.Spec.Name)),
    networks: networks.map((n) => n.Name),
  };
}

async function ignoreMissing(p: Promise<void>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!(err instanceof DockerApiError && err.status === 404)) throw err;
  }
}
