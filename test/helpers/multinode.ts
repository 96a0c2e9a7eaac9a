import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { HostLock } from './host-lock.js';

// The 3-node swarm of test/lab/multinode.sh (l3-n0 manager, l3-n1 and l3-n2 workers), started by
// the test file that needs it and torn down by it. ONE test file at a time: startMultiNode takes
// an exclusive lock (held by a `flock` child until stopMultiNode, or until this process dies), so
// a second file that wants the lab waits instead of tearing it down under the first.

const SCRIPT = new URL('../lab/multinode.sh', import.meta.url).pathname;
const USE_LOCK = '/tmp/l3.use.lock';

export const MANAGER_IP = '192.168.77.10';
export const NODE_NAMES = ['l3-n0', 'l3-n1', 'l3-n2'] as const;
export type NodeIndex = 0 | 1 | 2;

export interface MultiNode {
  /** Where the manager's sshd listens (port 22). */
  managerHost: string;
  /** The known_hosts line for the manager (it uses the lab's host key). */
  knownHostsLine: string;
  /** Node N's engine as seen from this machine, for checks with the docker CLI. */
  sock(n: NodeIndex): string;
  /** `docker -H unix://<node N's socket> ...` */
  docker(n: NodeIndex, args: string[]): string;
  /** Kill node N's dockerd and its containers at once (a node that dies). */
  stopNode(n: NodeIndex): void;
  /** Start node N's dockerd again; it rejoins the swarm by itself. */
  startNode(n: NodeIndex): void;
}

const useLock = new HostLock(USE_LOCK);

function lab(args: string[]): void {
  execFileSync('bash', [SCRIPT, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Bring the 3-node lab up (idempotent) for this test file; `hostKeyPub` is lab.hostKeyPub. */
export async function startMultiNode(hostKeyPub: string): Promise<MultiNode> {
  await useLock.take();
  lab(['up']);
  const key = readFileSync(hostKeyPub, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  const sock = (n: NodeIndex) => `/tmp/l3/n${n}/docker.sock`;
  return {
    managerHost: MANAGER_IP,
    knownHostsLine: `${MANAGER_IP} ${key}`,
    sock,
    docker: (n, args) =>
      execFileSync('docker', ['-H', `unix://${sock(n)}`, ...args], { encoding: 'utf8' }).trim(),
    stopNode: (n) => lab(['stop-node', String(n)]),
    startNode: (n) => lab(['start-node', String(n)]),
  };
}

/** Tear the lab down and let the next test file have it. */
export function stopMultiNode(): void {
  try {
    lab(['down']);
  } finally {
    useLock.release();
  }
}

/**
 * An ~/.ssh/config block naming the manager `alias`. Paths must be absolute: the OpenSSH client
 * expands `~` from the passwd entry, not $HOME, so `~/.ssh/...` would be root's real files.
 */
export function managerHostBlock(alias: string, identityFile: string, knownHostsFile: string): string {
  return [
    `Host ${alias}`,
    `  HostName ${MANAGER_IP}`,
    '  Port 22',
    '  User root',
    `  IdentityFile ${identityFile}`,
    '  IdentitiesOnly yes',
    `  UserKnownHostsFile ${knownHostsFile}`,
    '  StrictHostKeyChecking yes',
    '',
    '',
  ].join('\n');
}
