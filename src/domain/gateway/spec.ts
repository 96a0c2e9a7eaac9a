import { GATEWAY_LABEL } from '../stack/contract.js';
import type { ServiceSpec } from '../swarm/spec.js';

/**
 * A gateway reaches the Docker engine of one swarm node through the manager only: containers
 * are node-local, and the Engine API has no way to exec in or copy from a container on
 * another node. Two tasks and an overlay network of their own make a byte pipe:
 *
 *   operator --ssh streamlocal--> /run/abra-gw-<id>.sock (relay task on the manager)
 *            --overlay--> tcp <id>-node:2375 (socat task on the node) --> its /var/run/docker.sock
 *
 * Nothing listens on a host port: the relay's socket is a root-only file on the manager, like
 * the engine's own socket, and the node task is reachable only from that network, which only
 * the relay joins. The overlay uses the ports Swarm itself needs, so no firewall change.
 */
export const GATEWAY_PORT = 2375;

/** The default image: any image with `sh`, `stat` and `socat` works (ABRA_HELPER_IMAGE). */
export const DEFAULT_GATEWAY_IMAGE = 'alpine/socat:latest';

export interface GatewayNames {
  id: string;
  network: string;
  nodeService: string;
  relayService: string;
  /** The relay's socket as the manager's host sees it. */
  hostSocket: string;
}

/** Ids are random hex made by the caller; anything else is a bug, not input. */
export function gatewayNames(id: string): GatewayNames {
  if (!/^[0-9a-f]{8,32}$/.test(id)) throw new Error(`gateway id must be hex: ${id}`);
  const base = `abra-gw-${id}`;
  return {
    id,
    network: base,
    nodeService: `${base}-node`,
    relayService: `${base}-relay`,
    hostSocket: `/run/${base}.sock`,
  };
}

export function gatewayLabels(id: string): Record<string, string> {
  return { [GATEWAY_LABEL]: id };
}

/** Overlay between relay and node task; internal: neither needs the outside world. */
export function gatewayNetworkSpec(n: GatewayNames): {
  Name: string;
  Driver: string;
  Internal: boolean;
  Attachable: boolean;
  Labels: Record<string, string>;
} {
  return {
    Name: n.network,
    Driver: 'overlay',
    Internal: true,
    Attachable: false,
    Labels: gatewayLabels(n.id),
  };
}

function taskSpec(
  n: GatewayNames,
  name: string,
  image: string,
  command: string[],
  mount: { source: string; target: string },
  nodeId: string,
): ServiceSpec {
  const labels = gatewayLabels(n.id);
  return {
    Name: name,
    Labels: labels,
    TaskTemplate: {
      ContainerSpec: {
        Image: image,
        Labels: labels,
        Command: command,
        Mounts: [{ Type: 'bind', Source: mount.source, Target: mount.target }],
        Privileges: { CredentialSpec: null, SELinuxContext: null, NoNewPrivileges: true },
        // socat exits at once on SIGTERM; the default 10 s would only slow the clean-up.
        StopGracePeriod: 1_000_000_000,
      },
      Resources: {},
      RestartPolicy: { Condition: 'none', MaxAttempts: 0 },
      Placement: { Constraints: [`node.id==${nodeId}`] },
      Networks: [{ Target: n.network }],
      ForceUpdate: 0,
    },
    Mode: { Replicated: { Replicas: 1 } },
    // No virtual IP: the relay resolves the node task's own address (works without IPVS too).
    EndpointSpec: { Mode: 'dnsrr' },
  } as ServiceSpec;
}

/** The task on the node: TCP on the gateway network to that node's engine socket. */
export function nodeTaskSpec(n: GatewayNames, image: string, nodeId: string): ServiceSpec {
  return taskSpec(
    n,
    n.nodeService,
    image,
    ['socat', `TCP-LISTEN:${GATEWAY_PORT},fork,reuseaddr`, 'UNIX-CONNECT:/var/run/docker.sock'],
    { source: '/var/run/docker.sock', target: '/var/run/docker.sock' },
    nodeId,
  );
}

/**
 * The relay on the manager: a unix socket in the manager's /run, owned like the engine's own
 * socket (its group), forwarding each connection to the node task over the gateway network.
 */
export function relayTaskSpec(n: GatewayNames, image: string, managerNodeId: string): ServiceSpec {
  const sock = `/hostrun/${n.hostSocket.slice('/run/'.length)}`;
  // socat does not unlink its socket when killed: the shell (pid 1, so it gets the stop
  // signal) removes it, or every gateway would leave an empty socket file in /run.
  const script =
    `s=${sock}; g=$(stat -c %g /hostrun/docker.sock 2>/dev/null || echo 0); ` +
    `socat UNIX-LISTEN:$s,fork,unlink-early,mode=660,group=$g TCP:${n.nodeService}:${GATEWAY_PORT} & p=$!; ` +
    `trap 'kill $p 2>/dev/null; rm -f $s; exit 0' TERM INT; wait $p; rm -f $s`;
  return taskSpec(
    n,
    n.relayService,
    image,
    ['sh', '-c', script],
    { source: '/run', target: '/hostrun' },
    managerNodeId,
  );
}
