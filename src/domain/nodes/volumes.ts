/** A task's volume mounts and where it ran, as far as finding volumes goes. */
export interface TaskVolumes {
  nodeId: string | undefined;
  /** The engine created the task's container, so its named volumes exist on that node. */
  containerCreated: boolean;
  mounts: readonly { Type?: string; Source?: string; VolumeOptions?: { DriverConfig?: { Name?: string } } }[];
}

export interface VolumeOnNode {
  volume: string;
  nodeId: string;
  driver: string;
}

/**
 * Which named volumes exist on which node, read from a stack's tasks (the swarm API is the only
 * one that sees every node; volumes are node-local). A task whose container was created made its
 * volumes on its node, and they stay there after the task is gone or moved: a volume on two
 * nodes is two volumes, each with its own data. Only volumes named `<stack>_...` are the app's.
 */
export function volumesOnNodes(stack: string, tasks: readonly TaskVolumes[]): VolumeOnNode[] {
  const seen = new Map<string, VolumeOnNode>();
  for (const t of tasks) {
    if (!t.nodeId || !t.containerCreated) continue;
    for (const m of t.mounts) {
      if (m.Type !== 'volume' || !m.Source?.startsWith(`${stack}_`)) continue;
      const key = `${m.Source}\0${t.nodeId}`;
      if (!seen.has(key))
        seen.set(key, {
          volume: m.Source,
          nodeId: t.nodeId,
          driver: m.VolumeOptions?.DriverConfig?.Name || 'local',
        });
    }
  }
  return [...seen.values()].sort(
    (a, b) => a.volume.localeCompare(b.volume) || a.nodeId.localeCompare(b.nodeId),
  );
}
