import type { DockerClient } from '../../infra/docker/client.js';
import type { Service } from '../../infra/docker/swarm-types.js';
import { managerNode } from './task.js';

/**
 * The node that holds a service's volumes. Local volumes live on the node the service's task
 * runs on, so: the node of its running task; else of its newest task; else the manager. The
 * one place multi-node placement (issue 16: volumes pinned to a worker) decides where the
 * restic task runs.
 */
export async function nodeHoldingVolumes(docker: DockerClient, service: Service): Promise<string> {
  const tasks = await docker.tasks({ service: [service.ID] });
  const running = tasks.find((t) => t.Status.State === 'running' && t.NodeID);
  if (running?.NodeID) return running.NodeID;
  const newest = tasks.filter((t) => t.NodeID).sort((a, b) => b.CreatedAt.localeCompare(a.CreatedAt))[0];
  if (newest?.NodeID) return newest.NodeID;
  return managerNode(docker);
}
