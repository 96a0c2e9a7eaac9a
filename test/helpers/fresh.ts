import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

// A fresh host for `abra server bootstrap` (test/lab/fresh.sh): its own netns and sshd, Docker
// installed but not running, an empty data-root. Started and torn down by the test using it.

const SCRIPT = new URL('../lab/fresh.sh', import.meta.url).pathname;

export const FRESH_HOST = '192.168.79.10';
export const FRESH_DIR = '/var/lib/abra-lab/fresh';
export const FRESH_SOCK = `${FRESH_DIR}/docker.sock`;
const NETNS = '/var/run/netns/l4-fresh';

export interface Fresh {
  host: string;
  /** The known_hosts line for the node (it uses the lab's host key). */
  knownHostsLine: string;
  /** An ssh config block naming the node `alias`. */
  sshBlock(alias: string): string;
  /** `docker -H unix://<node socket> ...` (only once its dockerd runs). */
  docker(args: string[]): string;
  /** Has the node's dockerd written anything yet? */
  hasDockerState(): boolean;
  /** Make it a worker of another swarm (a second dockerd in netns l4-mgr). */
  makeWorker(): void;
  /** Something that is not Docker listening on a port inside the node (busybox httpd). */
  listen(port: number): ChildProcess;
}

export function startFresh(hostKeyPub: string): Fresh {
  execFileSync('bash', [SCRIPT, 'up'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const key = readFileSync(hostKeyPub, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  return {
    host: FRESH_HOST,
    knownHostsLine: `${FRESH_HOST} ${key}`,
    sshBlock: (alias) =>
      `Host ${alias}\n  HostName ${FRESH_HOST}\n  User root\n  IdentityFile ~/.ssh/id_ed25519\n  IdentitiesOnly yes\n`,
    docker: (args) =>
      execFileSync('docker', ['-H', `unix://${FRESH_SOCK}`, ...args], { encoding: 'utf8' }).trim(),
    hasDockerState: () => existsSync(`${FRESH_DIR}/data`),
    makeWorker: () => {
      execFileSync('bash', [SCRIPT, 'worker-up'], { stdio: ['ignore', 'ignore', 'pipe'] });
    },
    listen: (port) =>
      spawn('nsenter', [`--net=${NETNS}`, 'busybox', 'httpd', '-f', '-p', String(port), '-h', '/tmp'], {
        stdio: 'ignore',
      }),
  };
}

export function stopFresh(): void {
  execFileSync('bash', [SCRIPT, 'down'], { stdio: ['ignore', 'ignore', 'pipe'] });
}
