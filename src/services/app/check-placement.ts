import type { Unplaceable } from '../../domain/nodes/placement.js';
import { unplaceableServices } from '../../domain/nodes/placement.js';
import { errorMessage, isExpectedError } from '../../errors.js';
import type { Deps } from '../deps.js';
import { nodeFactsOf, placedServices, splitVolumeWarnings } from '../nodes/placement.js';
import { loadRelease } from '../release/load.js';
import { resolveRelease } from '../release/resolve.js';
import { resolveApp } from './resolve.js';

export interface PlacementCheck {
  /** false: the server or the recipe could not be read; `reason` says why. */
  checked: boolean;
  reason?: string;
  /** The release judged (the version the app records, else the latest). */
  version?: string;
  nodes?: number;
  /** Services with a node-local volume that may land on more than one node. */
  splitVolumes: string[];
  /** Services no node can run now, with the constraints that rule every node out. */
  unplaceable: Unplaceable[];
}

/**
 * `app check`'s look at placement (issue 16): the release a deploy would use, against the
 * server's nodes now (one API call). Warnings only: `app deploy` refuses what cannot be placed.
 * A server or recipe that cannot be read is said, not fatal: the env check stands on its own.
 */
export async function appPlacementCheck(
  opts: { app: string },
  deps: Pick<Deps, 'paths' | 'docker' | 'git' | 'events' | 'composeValidator'>,
): Promise<PlacementCheck> {
  try {
    const app = await resolveApp(opts.app, deps);
    const release = await resolveRelease(
      {
        recipe: app.recipe.name,
        version: undefined,
        recorded: { version: app.recipe.version, where: `${app.envPath} (${app.recipe.key})` },
        chaos: false,
      },
      deps,
    );
    const [loaded, nodes] = await Promise.all([loadRelease(app, release, deps), nodeFactsOf(app.docker)]);
    const splitVolumes = splitVolumeWarnings(app.name, loaded.desired, nodes);
    const unplaceable = unplaceableServices(placedServices(loaded.desired), nodes);
    for (const message of splitVolumes) deps.events({ type: 'warning', message });
    for (const u of unplaceable)
      deps.events({
        type: 'warning',
        message: `${app.name}: no node of ${app.server} can run service ${u.service}${
          u.constraints.length > 0
            ? ` (placement constraint ${u.constraints.map((c) => `"${c}"`).join(' and ')})`
            : ''
        }: ${u.detail}; a deploy would be refused.`,
      });
    return { checked: true, version: release.label, nodes: nodes.length, splitVolumes, unplaceable };
  } catch (err) {
    if (!isExpectedError(err)) throw err;
    const reason = errorMessage(err);
    deps.events({ type: 'warning', message: `Placement not checked: ${reason}` });
    return { checked: false, reason, splitVolumes: [], unplaceable: [] };
  }
}
