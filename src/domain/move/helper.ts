import type { Mount, ServiceSpec } from '../swarm/spec.js';
import type { Labels } from './plan.js';

/** A volume the helper mounts; on the target, created by the mount with the source's labels. */
export interface HelperVolume {
  name: string;
  target: string;
  readOnly: boolean;
  /** Set on the target: the engine creates the volume with these (as `docker stack deploy` would). */
  create?: { driver: string; labels: Labels; options: Labels };
}

export interface HelperSecret {
  id: string;
  name: string;
  /** Absolute path of the file in the helper. */
  file: string;
}

export interface MoveHelper {
  name: string;
  image: string;
  nodeId: string;
  labels: Labels;
  volumes: HelperVolume[];
  secrets: HelperSecret[];
}

/**
 * A helper that only waits (its files are read and written through exec and the archive API):
 * a job pinned to the node, never restarted, ended by removing the service. Runs as root so it
 * reads and writes every file of the volume with its owner kept.
 */
export function moveHelperSpec(h: MoveHelper): ServiceSpec {
  const mounts: Mount[] = h.volumes.map((v) => ({
    Type: 'volume',
    Source: v.name,
    Target: v.target,
    ReadOnly: v.readOnly,
    VolumeOptions: {
      // Never copy the image's files into an empty volume: the copy must be the source's bytes only.
      NoCopy: true,
      ...(v.create
        ? {
            Labels: v.create.labels,
            DriverConfig: {
              Name: v.create.driver,
              ...(Object.keys(v.create.options).length > 0 ? { Options: v.create.options } : {}),
            },
          }
        : {}),
    },
  }));
  return {
    Name: h.name,
    Labels: h.labels,
    TaskTemplate: {
      ContainerSpec: {
        Image: h.image,
        Command: ['sleep'],
        Args: ['21600'],
        User: '0',
        Labels: h.labels,
        Mounts: mounts,
        Secrets: h.secrets.map((s) => ({
          File: { Name: s.file, UID: '0', GID: '0', Mode: 0o400 },
          SecretID: s.id,
          SecretName: s.name,
        })),
      },
      Resources: {},
      RestartPolicy: { Condition: 'none', MaxAttempts: 0 },
      Placement: { Constraints: [`node.id==${h.nodeId}`] },
      ForceUpdate: 0,
    },
    Mode: { ReplicatedJob: { MaxConcurrent: 1, TotalCompletions: 1 } },
    EndpointSpec: { Mode: 'dnsrr' },
  } as ServiceSpec;
}
