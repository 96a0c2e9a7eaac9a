import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const LAB_ENV_FILE = process.env.ABRA_LAB_ENV ?? '/var/lib/abra-lab/lab.env';

/** What test/lab/setup.sh started, as it wrote it to lab.env. */
export interface Lab {
  dir: string;
  sshPort: number;
  sshNoSwarmPort: number | undefined;
  sshKey: string;
  sshWrongKey: string;
  knownHosts: string;
  hostKeyPub: string;
  noSwarmSock: string;
  userNoPerm: string;
  userNoDocker: string;
  images: {
    busybox: string;
    nginx: string;
    postgres: string;
    restic: string;
    socat: string;
    /** The ACME test CA and the traefik stand-in (test fixture); lab.env of an older setup lacks them. */
    pebble: string;
    proxyFixture: string;
  };
  /**
   * host:port of the local registry (plain HTTP, no auth) holding abra-lab/* under several tags;
   * undefined when lab.env was written by a setup.sh without step 7b (tests that need it call
   * labRegistry, which says how to fix that).
   */
  registry: string | undefined;
}

export function loadLab(): Lab {
  let text: string;
  try {
    text = readFileSync(LAB_ENV_FILE, 'utf8');
  } catch {
    throw new Error(`${LAB_ENV_FILE} missing: run \`bash test/lab/setup.sh\` first (npm test does)`);
  }
  const v: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) v[line.slice(0, i)] = line.slice(i + 1);
  }
  const need = (k: string) => {
    const x = v[k];
    if (x === undefined || x === '') throw new Error(`${LAB_ENV_FILE} lacks ${k}`);
    return x;
  };
  return {
    dir: need('ABRA_LAB_DIR'),
    sshPort: Number(need('ABRA_LAB_SSH_PORT')),
    sshNoSwarmPort: v.ABRA_LAB_SSH_NOSWARM_PORT ? Number(v.ABRA_LAB_SSH_NOSWARM_PORT) : undefined,
    sshKey: need('ABRA_LAB_SSH_KEY'),
    sshWrongKey: need('ABRA_LAB_SSH_WRONG_KEY'),
    knownHosts: need('ABRA_LAB_KNOWN_HOSTS'),
    hostKeyPub: need('ABRA_LAB_HOST_KEY_PUB'),
    noSwarmSock: need('ABRA_LAB_NOSWARM_SOCK'),
    userNoPerm: need('ABRA_LAB_USER_NOPERM'),
    userNoDocker: need('ABRA_LAB_USER_NODOCKER'),
    images: {
      busybox: need('ABRA_LAB_IMAGE_BUSYBOX'),
      nginx: need('ABRA_LAB_IMAGE_NGINX'),
      postgres: need('ABRA_LAB_IMAGE_POSTGRES'),
      restic: need('ABRA_LAB_IMAGE_RESTIC'),
      socat: need('ABRA_LAB_IMAGE_SOCAT'),
      pebble: v.ABRA_LAB_IMAGE_PEBBLE || 'abra-lab/pebble:1',
      proxyFixture: v.ABRA_LAB_IMAGE_PROXY_FIXTURE || 'abra-lab/proxy-fixture:1',
    },
    registry: v.ABRA_LAB_REGISTRY || undefined,
  };
}

/** The lab registry's host:port, or a clear failure when the lab was set up without it. */
export function labRegistry(lab: Lab = loadLab()): string {
  if (lab.registry === undefined)
    throw new Error(
      `${LAB_ENV_FILE} lacks ABRA_LAB_REGISTRY: run \`bash test/lab/setup.sh\` (step 7b starts the registry)`,
    );
  return lab.registry;
}

/**
 * A throwaway operator machine: its own HOME (~/.ssh/config, keys, known_hosts) and ABRA_DIR,
 * so tests exercise the real config-reading paths without touching root's files.
 */
export interface Operator {
  home: string;
  abraDir: string;
  sshDir: string;
  env: NodeJS.ProcessEnv;
  writeSshConfig(text: string): void;
  writeKnownHosts(text: string): void;
  cleanup(): void;
}

export function makeOperator(lab: Lab): Operator {
  const home = mkdtempSync(join(tmpdir(), 'abra-op-'));
  const sshDir = join(home, '.ssh');
  mkdirSync(sshDir, { mode: 0o700 });
  copyFileSync(lab.sshKey, join(sshDir, 'id_ed25519'));
  copyFileSync(lab.sshWrongKey, join(sshDir, 'wrong_ed25519'));
  chmodSync(join(sshDir, 'id_ed25519'), 0o600);
  chmodSync(join(sshDir, 'wrong_ed25519'), 0o600);
  copyFileSync(lab.knownHosts, join(sshDir, 'known_hosts'));
  const abraDir = join(home, '.abra');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    USER: 'root',
    ABRA_DIR: abraDir,
    LANG: 'C.UTF-8',
  };
  return {
    home,
    abraDir,
    sshDir,
    env,
    writeSshConfig: (text) => writeFileSync(join(sshDir, 'config'), text),
    writeKnownHosts: (text) => writeFileSync(join(sshDir, 'known_hosts'), text),
    cleanup: () => rmSync(home, { recursive: true, force: true }),
  };
}

/** An ssh config block for the lab sshd under a given alias. */
export function hostBlock(alias: string, lab: Lab, extra: Record<string, string | number> = {}): string {
  const opts: Record<string, string | number> = {
    HostName: '127.0.0.1',
    Port: lab.sshPort,
    User: 'root',
    IdentityFile: '~/.ssh/id_ed25519',
    IdentitiesOnly: 'yes',
    ...extra,
  };
  return `Host ${alias}\n${Object.entries(opts)
    .map(([k, v]) => `  ${k} ${v}`)
    .join('\n')}\n\n`;
}

export function docker(args: string[], env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync('docker', args, { env, encoding: 'utf8' }).trim();
}
