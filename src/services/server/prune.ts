import { SERVER_WIDE } from '../../domain/audit/entry.js';
import { Cancelled, errorMessage } from '../../errors.js';
import type { PruneKind } from '../../infra/docker/client.js';
import type { Filters } from '../../infra/docker/types.js';
import { recordAudit } from '../audit/record.js';
import type { Deps } from '../deps.js';
import { checkServerKnown } from './known.js';

export interface PruneOptions {
  server: string;
  /** Also unused volumes (asks first unless noInput). */
  volumes: boolean;
  /** Every unused image, not only dangling ones. */
  allImages: boolean;
  /** Only objects carrying these labels (`key` or `key=value`), as `docker ... prune --filter label=`. */
  labels: readonly string[];
  noInput: boolean;
  argv?: readonly string[];
}

export interface PruneKindResult {
  kind: PruneKind;
  deleted: string[];
  spaceReclaimed: number;
}

export interface PruneResult {
  server: string;
  results: PruneKindResult[];
  spaceReclaimed: number;
}

/** The engine filters for one kind of prune (pure). */
export function pruneFilters(
  kind: PruneKind,
  opts: Pick<PruneOptions, 'labels' | 'allImages'>,
  apiVersion: string,
): Filters | undefined {
  const filters: Record<string, string[]> = {};
  if (opts.labels.length > 0) filters.label = [...opts.labels];
  if (kind === 'images') filters.dangling = [opts.allImages ? 'false' : 'true'];
  // From API 1.42 the engine prunes only anonymous volumes unless asked for all unused ones.
  if (kind === 'volumes' && apiAtLeast(apiVersion, '1.42')) filters.all = ['true'];
  return Object.keys(filters).length > 0 ? filters : undefined;
}

function apiAtLeast(version: string, min: string): boolean {
  const [a = 0, b = 0] = version.split('.').map(Number);
  const [c = 0, d = 0] = min.split('.').map(Number);
  return a > c || (a === c && b >= d);
}

/**
 * `abra server prune`: what the engine itself judges unused (stopped containers, networks with
 * no endpoint, dangling or unused images and, only when asked, volumes no container refers to)
 * goes, through the Engine API prune endpoints; the space reclaimed is reported per kind.
 *
 * No app lock is taken: the engine never prunes anything in use, so a prune cannot break an
 * app's deploy in progress (a running task's container, network and image are in use), and it
 * belongs to no single app whose lock would mean anything. It is audited as a server-wide entry.
 */
export async function serverPrune(
  opts: PruneOptions,
  deps: Pick<Deps, 'servers' | 'docker' | 'events' | 'prompt' | 'paths' | 'env' | 'argv'>,
): Promise<PruneResult> {
  await checkServerKnown(opts.server, deps);
  const docker = deps.docker.client(opts.server);
  const kinds: PruneKind[] = ['containers', 'networks', 'images'];
  if (opts.volumes) {
    const scope = opts.labels.length > 0 ? ` labelled ${opts.labels.join(', ')}` : '';
    deps.events({
      type: 'warning',
      message: `--volumes deletes every volume${scope} on ${opts.server} that no container uses, with its data, including volumes of undeployed apps.`,
    });
    if (!opts.noInput) {
      const ok = await deps.prompt.confirm(
        `Delete the unused volumes on ${opts.server}? This cannot be undone.`,
      );
      if (!ok) throw new Cancelled('Prune cancelled; nothing was removed');
    }
    kinds.push('volumes');
  }
  const startedAt = new Date();
  const results: PruneKindResult[] = [];
  const audit = (result: 'ok' | 'failed', message: string) =>
    recordAudit(deps, {
      app: SERVER_WIDE,
      server: opts.server,
      argv: opts.argv ?? deps.argv,
      startedAt,
      result,
      message,
    });
  try {
    // One kind after the other: containers first frees the networks and images they held.
    for (const kind of kinds) {
      const answer = await docker.prune(kind, pruneFilters(kind, opts, docker.negotiatedVersion));
      results.push({ kind, ...answer });
      for (const name of answer.deleted)
        if (kind !== 'images')
          deps.events({ type: 'object', action: 'removed', kind: objectKind(kind), name });
    }
  } catch (err) {
    await audit('failed', `${summary(results)}; then: ${errorMessage(err)}`);
    throw err;
  }
  const total = results.reduce((n, r) => n + r.spaceReclaimed, 0);
  await audit('ok', summary(results));
  return { server: opts.server, results, spaceReclaimed: total };
}

function objectKind(kind: Exclude<PruneKind, 'images'>): 'container' | 'network' | 'volume' {
  return kind === 'containers' ? 'container' : kind === 'networks' ? 'network' : 'volume';
}

/** "pruned 2 containers, 1 networks, 0 images (1234 bytes)" for the audit message. */
export function summary(results: readonly PruneKindResult[]): string {
  if (results.length === 0) return 'pruned nothing';
  const total = results.reduce((n, r) => n + r.spaceReclaimed, 0);
  return `pruned ${results.map((r) => `${r.deleted.length} ${r.kind}`).join(', ')} (${total} bytes reclaimed)`;
}
