import { DockerApiError, type DockerClient } from '../../infra/docker/client.js';
import type { SystemInfo } from '../../infra/docker/types.js';
import type { LockObject, LockSpec } from './record.js';

// The three config calls the lock needs beyond DockerClient's typed endpoints: inspect by name
// or id, a label update guarded by the object version, and the manager's clock.

/** The config named (or with the id) `ref`, or undefined when there is none. */
export async function inspectConfig(docker: DockerClient, ref: string): Promise<LockObject | undefined> {
  try {
    return await docker.request<LockObject>('GET', `/configs/${encodeURIComponent(ref)}`);
  } catch (err) {
    if (err instanceof DockerApiError && err.status === 404) return undefined;
    throw err;
  }
}

export type UpdateOutcome = 'updated' | 'conflict' | 'gone';

/**
 * Replace the labels if the object is still at `version`: 'conflict' when someone changed it
 * first (the engine answers "update out of sequence"), 'gone' when it was deleted.
 */
export async function updateConfigAt(
  docker: DockerClient,
  id: string,
  version: number,
  spec: LockSpec,
): Promise<UpdateOutcome> {
  try {
    await docker.request('POST', `/configs/${encodeURIComponent(id)}/update`, {
      query: { version },
      body: spec,
    });
    return 'updated';
  } catch (err) {
    if (err instanceof DockerApiError && err.status === 404) return 'gone';
    if (err instanceof DockerApiError && /out of sequence/i.test(err.apiMessage)) return 'conflict';
    throw err;
  }
}

/** Delete by id; true if it existed. */
export async function removeConfigById(docker: DockerClient, id: string): Promise<boolean> {
  try {
    await docker.removeConfig(id);
    return true;
  } catch (err) {
    if (err instanceof DockerApiError && err.status === 404) return false;
    throw err;
  }
}

/** The swarm manager's clock in ms, the one clock every operator of the server shares. */
export async function serverNow(docker: DockerClient): Promise<number> {
  const info = (await docker.info()) as SystemInfo & { SystemTime?: string };
  const t = info.SystemTime === undefined ? Number.NaN : Date.parse(info.SystemTime);
  return Number.isNaN(t) ? Date.now() : t;
}
