import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { HostLock } from './host-lock.js';

// A fresh host for `abra server bootstrap` (test/lab/fresh.sh): its own netns and sshd, Docker
// installed but not running, an empty data-root. Started and torn down by the test using it.
// ONE user at a time (server-bootstrap, fresh-host-tls, the bootstrap bench): lockFresh() takes
// an exclusive lock held by a `flock` child until releaseFresh() or until this process exits,
// so a second file waits instead of tearing the host down under the first.

const SCRIPT = new URL('../lab/fresh.sh', import.meta.url).pathname;

export const FRESH_HOST = '192.168.79.10';
export const FRESH_DIR = '/var/lib/abra-lab/fresh';
export const FRESH_SOCK = `${FRESH_DIR}/docker.sock`;
const NETNS = '/var/run/netns/l4-fresh';
const USE_LOCK = '/var/lib/abra-lab/fresh.use.lock';

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
  /** The processes listening on a TCP port in the node's network namespace (ss's users:(...)). */
  listeners(port: number): string;
  /** Something that is not Docker listening on a port inside the node (busybox httpd). */
  listen(port: number): ChildProcess;
  /**
   * Copy images from the main engine into the node's dockerd (one `docker save | docker load`
   * over its socket; there is no registry to pull from). Only once its dockerd runs.
   */
  loadImages(images: readonly string[]): void;
}

const useLock = new HostLock(USE_LOCK);

/** Wait for, then hold, the fresh host for this process (see above). */
export function lockFresh(): Promise<void> {
  return useLock.take();
}

/** Let the next user have the fresh host (after stopFresh). */
export function releaseFresh(): void {
  useLock.release();
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
    listeners: (port) =>
      execFileSync('nsenter', [`--net=${NETNS}`, 'ss', '-Hltnp', `sport = :${port}`], {
        encoding: 'utf8',
      }).trim(),
    loadImages: (images) => {
      execFileSync(
        'bash',
        ['-o', 'pipefail', '-c', 'docker save "$@" | docker -H "unix://$0" load -q', FRESH_SOCK, ...images],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
    },
  };
}

export function stopFresh(): void {
  execFileSync('bash', [SCRIPT, 'down'], { stdio: ['ignore', 'ignore', 'pipe'] });
}
