import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

// A second, separate single-node swarm reached over SSH (test/lab/solo.sh): the "other server"
// of tests that need two. Started by the test that uses it and torn down by it.

const SCRIPT = new URL('../lab/solo.sh', import.meta.url).pathname;

export interface Solo {
  /** Where sshd listens (port 22). */
  host: string;
  /** The node's engine as seen from this machine, for checks with the docker CLI. */
  sock: string;
  /** The known_hosts line for the node (it uses the lab's host key). */
  knownHostsLine: string;
  /** `docker -H unix://<sock> ...` */
  docker(args: string[], input?: string): string;
}

export const SOLO_HOST = '192.168.78.10';
export const SOLO_SOCK = '/var/lib/abra-lab/solo/docker.sock';

/** Bring the solo server up with these images (from the main daemon). Idempotent. */
export function startSolo(images: string[], hostKeyPub: string): Solo {
  execFileSync('bash', [SCRIPT, 'up', ...images], { stdio: ['ignore', 'ignore', 'pipe'] });
  const key = readFileSync(hostKeyPub, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  return {
    host: SOLO_HOST,
    sock: SOLO_SOCK,
    knownHostsLine: `${SOLO_HOST} ${key}`,
    docker: (args, input) =>
      execFileSync('docker', ['-H', `unix://${SOLO_SOCK}`, ...args], {
        encoding: 'utf8',
        ...(input === undefined ? {} : { input }),
      }).trim(),
  };
}

export function stopSolo(): void {
  execFileSync('bash', [SCRIPT, 'down'], { stdio: ['ignore', 'ignore', 'pipe'] });
}
