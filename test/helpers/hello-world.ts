import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { abra, type CliResult } from './cli.js';
import { docker, hostBlock, loadLab } from './lab.js';

const EXAMPLE = new URL('../../examples/recipes/hello/', import.meta.url).pathname;
const BIN = new URL('../../bin/abra.js', import.meta.url).pathname;

/** One release of the test recipe: a tag and how its compose.yml differs from the example's. */
export interface Release {
  tag: string;
  edit?: (compose: string) => string;
  /** The annotated tag's message (default: the tag itself). */
  tagMessage?: string;
  /** Other recipe files at this release (path relative to the recipe -> content). */
  files?: Record<string, string | Buffer>;
}

/**
 * A throwaway operator with the `hello` example recipe as a git repo (one annotated tag per
 * release) and helpers to create apps on the local lab server; everything is removed at the end.
 */
export class HelloWorld {
  readonly home = mkdtempSync(join(tmpdir(), 'abra-hello-'));
  readonly abraDir = join(this.home, '.abra');
  readonly recipeDir = join(this.abraDir, 'recipes', 'hello');
  readonly id = Math.random().toString(36).slice(2, 8);
  readonly env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: this.home,
    ABRA_DIR: this.abraDir,
    USER: 'root',
  };
  private readonly domains: string[] = [];
  private readonly servers = new Map<string, string>();

  constructor(releases: Release[]) {
    execFileSync('bash', [new URL('../../scripts/example-image.sh', import.meta.url).pathname]);
    cpSync(EXAMPLE, this.recipeDir, { recursive: true });
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: this.recipeDir });
    git('init', '-q', '-b', 'main');
    const pristine = readFileSync(join(this.recipeDir, 'compose.yml'), 'utf8');
    for (const r of releases) {
      writeFileSync(join(this.recipeDir, 'compose.yml'), r.edit ? r.edit(pristine) : pristine);
      for (const [path, content] of Object.entries(r.files ?? {}))
        writeFileSync(join(this.recipeDir, path), content);
      git('add', '-A');
      git('commit', '-qm', r.tag, '--allow-empty');
      git('tag', '-a', r.tag, '-m', r.tagMessage ?? r.tag);
    }
    mkdirSync(join(this.abraDir, 'servers', 'default'), { recursive: true });
  }

  /**
   * Make the lab's sshd reachable as server `lab` (same engine as the local socket, reached over
   * SSH): keys, known_hosts and a Host block in this operator's ~/.ssh.
   */
  useSshServer(): string {
    const lab = loadLab();
    const ssh = join(this.home, '.ssh');
    mkdirSync(ssh, { recursive: true, mode: 0o700 });
    copyFileSync(lab.sshKey, join(ssh, 'id_ed25519'));
    chmodSync(join(ssh, 'id_ed25519'), 0o600);
    copyFileSync(lab.knownHosts, join(ssh, 'known_hosts'));
    writeFileSync(join(ssh, 'config'), hostBlock('lab', lab));
    mkdirSync(join(this.abraDir, 'servers', 'lab'), { recursive: true });
    return 'lab';
  }

  /** A new app env on the local server (or `server`); returns its domain. */
  app(name: string, extra: Record<string, string> = {}, server = 'default'): string {
    const domain = `${name}-${this.id}.lab.example`;
    this.domains.push(domain);
    const lines = {
      TYPE: 'hello',
      DOMAIN: domain,
      LETS_ENCRYPT_ENV: '',
      SECRET_API_KEY_VERSION: 'v1',
      COMPOSE_FILE: 'compose.yml:compose.host.yml',
      TIMEOUT: '60',
      ...extra,
    };
    this.servers.set(domain, server);
    writeFileSync(
      this.envPath(domain),
      `${Object.entries(lines)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n')}\n`,
      { mode: 0o600 },
    );
    return domain;
  }

  envPath(domain: string): string {
    return join(this.abraDir, 'servers', this.servers.get(domain) ?? 'default', `${domain}.env`);
  }

  stack(domain: string): string {
    return domain.replaceAll('.', '_');
  }

  run(...args: string[]): Promise<CliResult> {
    return abra(args, this.env);
  }

  /** Start the CLI and hand back the child, for tests that interrupt it or race it. */
  start(...args: string[]): ChildProcess & { output: () => string } {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout?.on('data', (d: Buffer) => {
      text += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      text += d.toString();
    });
    return Object.assign(child, { output: () => text });
  }

  /** Everything the lab holds for an app's stack (services, networks, secrets, volumes). */
  objects(domain: string): { services: string[]; networks: string[]; secrets: string[]; volumes: string[] } {
    const f = `label=com.docker.stack.namespace=${this.stack(domain)}`;
    const list = (args: string[]) => docker(args).split('\n').filter(Boolean).sort();
    return {
      services: list(['service', 'ls', '--filter', f, '--format', '{{.Name}}']),
      networks: list(['network', 'ls', '--filter', f, '--format', '{{.Name}}']),
      secrets: list(['secret', 'ls', '--filter', f, '--format', '{{.Name}}']),
      volumes: list(['volume', 'ls', '--filter', f, '--format', '{{.Name}}']),
    };
  }

  cleanup(): void {
    for (const d of this.domains) {
      const f = `label=com.docker.stack.namespace=${this.stack(d)}`;
      const ids = (args: string[]) => docker(args).split('\n').filter(Boolean);
      for (const s of ids(['service', 'ls', '-q', '--filter', f])) execQuiet(['service', 'rm', s]);
      for (const s of ids(['secret', 'ls', '-q', '--filter', f])) execQuiet(['secret', 'rm', s]);
      const lock = ids(['config', 'ls', '-q', '--filter', `label=coop-cloud.lock.stack=${this.stack(d)}`]);
      const audit = ids(['config', 'ls', '-q', '--filter', `label=coop-cloud.audit.stack=${this.stack(d)}`]);
      for (const c of [...lock, ...audit]) execQuiet(['config', 'rm', c]);
    }
    // Networks and volumes go once the tasks are gone.
    const deadline = Date.now() + 30_000;
    for (const d of this.domains) {
      const f = `label=com.docker.stack.namespace=${this.stack(d)}`;
      while (Date.now() < deadline) {
        const nets = docker(['network', 'ls', '-q', '--filter', f]).split('\n').filter(Boolean);
        if (nets.length === 0) break;
        for (const n of nets) execQuiet(['network', 'rm', n]);
        execFileSync('sleep', ['0.5']);
      }
      for (const v of docker(['volume', 'ls', '-q', '--filter', f]).split('\n').filter(Boolean))
        execQuiet(['volume', 'rm', v]);
    }
    rmSync(this.home, { recursive: true, force: true });
  }
}

function execQuiet(args: string[]): void {
  try {
    execFileSync('docker', args, { stdio: 'ignore' });
  } catch {
    // Already gone, or still in use: cleanup is best effort.
  }
}

/** A free TCP port on 127.0.0.1 for host-mode publishing. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function httpGet(port: number): Promise<string> {
  const { request } = await import('node:http');
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', timeout: 3000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () => resolve(body));
    });
    req.on('error', () => resolve(''));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}
