import { Cancelled, UserError } from '../../errors.js';
import type { DockerClient } from '../../infra/docker/client.js';
import { DockerApiError } from '../../infra/docker/client.js';
import type { Deps } from '../deps.js';
import { belongsTo, byNamespace, readStack, shortName } from '../stack/read.js';
import { resolveApp } from './resolve.js';

export interface UndeployResult {
  app: string;
  server: string;
  services: string[];
  networks: string[];
}

/**
 * Remove an app's services and networks (`docker stack rm`), keeping volumes, secrets and
 * configs, and wait until the networks are really gone: an immediate redeploy would otherwise
 * race with their removal ("network ... not found").
 */
export async function appUndeploy(
  opts: { app: string; noInput: boolean; timeoutMs?: number },
  deps: Pick<Deps, 'paths' | 'docker' | 'io'>,
): Promise<UndeployResult> {
  const app = await resolveApp(opts.app, deps);
  const stack = await readStack(app.docker, app.stack);
  if (stack.services.length === 0 && stack.networks.length === 0) {
    throw new UserError(`${app.name} is not deployed on ${app.server}`, {
      hint: 'Nothing to undeploy; `abra app ps` shows what runs.',
      code: 'app_not_deployed',
    });
  }
  const names = stack.services.map((s) => shortName(app.stack, s.Spec.Name));
  if (!opts.noInput) {
    const ok = await deps.io.confirm(
      `Undeploy ${app.name} from ${app.server} (services: ${names.join(', ')})? Volumes and secrets are kept.`,
    );
    if (!ok) throw new Cancelled('Undeploy cancelled; the app keeps running.');
  }
  return removeStack(app.docker, app.stack, {
    app: app.name,
    server: app.server,
    timeoutMs: opts.timeoutMs ?? 120_000,
    debug: deps.io.debug,
  });
}

/** Shared with deploy: a fresh deploy that fails is undone the same way. */
export async function removeStack(
  docker: DockerClient,
  stack: string,
  opts: { app: string; server: string; timeoutMs: number; debug: (s: string) => void },
): Promise<UndeployResult> {
  const current = await readStack(docker, stack);
  for (const s of current.services) {
    if (!belongsTo(stack, s.Spec.Labels)) continue;
    await ignoreMissing(docker.removeService(s.ID));
  }
  const deadline = Date.now() + opts.timeoutMs;
  const networks = current.networks.filter((n) => belongsTo(stack, n.Labels));
  // Tasks detach from networks asynchronously after their service is removed.
  for (;;) {
    const left = (await docker.networks(byNamespace(stack))).filter((n) => belongsTo(stack, n.Labels));
    if (left.length === 0) break;
    for (const n of left) {
      await docker
        .removeNetwork(n.Id)
        .catch((err: unknown) => opts.debug(`network ${n.Name}: ${(err as Error).message}`));
    }
    if (Date.now() > deadline) {
      throw new UserError(
        `Networks of ${opts.app} are still in use after ${opts.timeoutMs / 1000}s: ${left.map((n) => n.Name).join(', ')}`,
        {
          hint: 'Some container is still attached (another stack or a manual container?). Check `docker network inspect` on the server.',
          code: 'network_busy',
        },
      );
    }
    await new Promise((r) => setTimeout(r, 500));
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
