import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stackNameOf } from '../../src/domain/stack/contract.js';
import { abra } from '../helpers/cli.js';
import { docker, hostBlock, type Lab, loadLab, makeOperator, type Operator } from '../helpers/lab.js';

const EXAMPLE = new URL('../../examples/recipes/hello/', import.meta.url).pathname;
const OLD = '1.0.0+1';
const NEW = '1.1.0+1';
const ID = randomBytes(3).toString('hex');
const deployedApp = `lsst-up-${ID}.lab.example`;
const idleApp = `lsst-idle-${ID}.lab.example`;
const downApp = `lsst-down-${ID}.lab.example`;

let lab: Lab;
let op: Operator;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function writeApp(server: string, domain: string, extra: Record<string, string> = {}): void {
  const dir = join(op.abraDir, 'servers', server);
  mkdirSync(dir, { recursive: true });
  const lines = {
    TYPE: 'hello',
    DOMAIN: domain,
    LETS_ENCRYPT_ENV: '',
    SECRET_API_KEY_VERSION: 'v1',
    COMPOSE_FILE: 'compose.yml:compose.host.yml',
    TIMEOUT: '60',
    ...extra,
  };
  writeFileSync(
    join(dir, `${domain}.env`),
    `${Object.entries(lines)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n')}\n`,
    { mode: 0o600 },
  );
}

const run = (...args: string[]) => abra(args, op.env);

/** `debug ... ssh connections=N channels=C api calls=M`, printed by every command under --debug. */
function wireCost(stderr: string): { connections: number; calls: number } {
  const m = /ssh connections=(\d+) channels=\d+ api calls=(\d+)/.exec(stderr);
  assert.ok(m, `no cost line in:\n${stderr}`);
  return { connections: Number(m[1]), calls: Number(m[2]) };
}

interface ListedJson {
  appName: string;
  status: string;
  version?: string;
  chaos?: string;
  upgrade?: string;
  running?: number;
  desired?: number;
  reason?: string;
}
type ListingJson = Record<string, { apps: ListedJson[]; appCount: number; upgradeCount?: number }>;

before(async () => {
  lab = loadLab();
  op = makeOperator(lab);
  op.writeSshConfig(hostBlock('lab', lab) + hostBlock('lab-refused', lab, { Port: 1 }));
  execFileSync('bash', [new URL('../../scripts/example-image.sh', import.meta.url).pathname]);
  const recipeDir = join(op.abraDir, 'recipes', 'hello');
  cpSync(EXAMPLE, recipeDir, { recursive: true });
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: recipeDir });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', OLD);
  git('tag', '-a', OLD, '-m', OLD);
  git('commit', '-qm', NEW, '--allow-empty');
  git('tag', '-a', NEW, '-m', NEW);
  writeApp('lab', deployedApp, { HOST_PORT: String(await freePort()) });
  writeApp('lab', idleApp);
  writeApp('lab-refused', downApp);
});

after(() => {
  const stack = stackNameOf(deployedApp);
  const f = `label=com.docker.stack.namespace=${stack}`;
  const ids = (args: string[]) => docker(args).split('\n').filter(Boolean);
  const quiet = (args: string[]) => {
    try {
      execFileSync('docker', args, { stdio: 'ignore' });
    } catch {
      // Already gone: cleanup is best effort.
    }
  };
  for (const s of ids(['service', 'ls', '-q', '--filter', f])) quiet(['service', 'rm', s]);
  for (const s of ids(['secret', 'ls', '-q', '--filter', f])) quiet(['secret', 'rm', s]);
  for (const label of ['coop-cloud.lock.stack', 'coop-cloud.audit.stack'])
    for (const c of ids(['config', 'ls', '-q', '--filter', `label=${label}=${stack}`]))
      quiet(['config', 'rm', c]);
  // The stack network goes once its tasks are gone.
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const nets = ids(['network', 'ls', '-q', '--filter', f]);
    if (nets.length === 0) break;
    for (const n of nets) quiet(['network', 'rm', n]);
    execFileSync('sleep', ['0.5']);
  }
  op.cleanup();
});

describe('abra app ls --status on the lab swarm', () => {
  before(async () => {
    const gen = await run('app', 'secret', 'generate', deployedApp, '--all', '-n');
    assert.equal(gen.code, 0, gen.stderr);
    const dep = await run('app', 'deploy', deployedApp, OLD, '-n', '--no-domain-checks');
    assert.equal(dep.code, 0, dep.stderr);
  });

  it('shows the deployed app with its version, tasks and upgrade; the idle one undeployed; the refused server unknown', async () => {
    const res = await run('app', 'ls', '--status', '--debug');
    assert.equal(res.code, 0, res.stderr);
    const esc = (s: string) => s.replace(/[.+]/g, '\\$&');
    assert.match(
      res.stdout,
      /^SERVER: lab \(2 apps\)\nAPP\s+RECIPE\s+STATUS\s+VERSION\s+TASKS\s+UPGRADE\s+DOMAIN$/m,
    );
    assert.match(
      res.stdout,
      new RegExp(
        `^${esc(deployedApp)}\\s+hello\\s+deployed\\s+${esc(OLD)}\\s+1/1\\s+${esc(NEW)}\\s+${esc(deployedApp)}$`,
        'm',
      ),
    );
    assert.match(res.stdout, new RegExp(`^${esc(idleApp)}\\s+hello\\s+undeployed\\s+-\\s+-\\s+-\\s+`, 'm'));
    assert.match(
      res.stdout,
      /^SERVER: lab-refused \(1 app\)\nunknown: Connection refused by 127\.0\.0\.1:1$/m,
    );
    assert.match(res.stdout, new RegExp(`^${esc(downApp)}\\s+hello\\s+unknown\\s+`, 'm'));
    assert.match(res.stdout, /\n3 apps on 2 servers: 1 deployed, 1 undeployed, 1 unknown; 1 upgradeable\n$/);
    // One connection (the refused server never opens one) and one API call per server.
    assert.deepEqual(wireCost(res.stderr), { connections: 1, calls: 2 });
  });

  it('--machine carries the same, in the app ls shape', async () => {
    const res = await run('app', 'ls', '-S', '-m');
    assert.equal(res.code, 0, res.stderr);
    const listing = JSON.parse(res.stdout) as ListingJson;
    const byName = (server: string, name: string) => listing[server]?.apps.find((a) => a.appName === name);
    assert.deepEqual(
      (({ status, version, chaos, upgrade, running, desired }) => ({
        status,
        version,
        chaos,
        upgrade,
        running,
        desired,
      }))(byName('lab', deployedApp) as ListedJson),
      { status: 'deployed', version: OLD, chaos: 'false', upgrade: NEW, running: 1, desired: 1 },
    );
    assert.equal(byName('lab', idleApp)?.status, 'undeployed');
    assert.equal(byName('lab-refused', downApp)?.status, 'unknown');
    assert.match(byName('lab-refused', downApp)?.reason ?? '', /Connection refused/);
    assert.equal(listing.lab?.upgradeCount, 1);
  });

  it('after an upgrade, the new version is shown and is the latest', async () => {
    const dep = await run('app', 'deploy', deployedApp, NEW, '-n', '--no-domain-checks');
    assert.equal(dep.code, 0, dep.stderr);
    const res = await run('app', 'ls', '-S', '-m', '-s', 'lab');
    const app = (JSON.parse(res.stdout) as ListingJson).lab?.apps.find((a) => a.appName === deployedApp);
    assert.equal(app?.version, NEW);
    assert.equal(app?.upgrade, 'latest');
  });

  it('a listing of only the unreachable server still succeeds', async () => {
    const res = await run('app', 'ls', '--status', '-s', 'lab-refused');
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /unknown: Connection refused/);
  });

  it('--offline contacts no server', async () => {
    const res = await run('--offline', 'app', 'ls', '--status', '--debug');
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(wireCost(res.stderr), { connections: 0, calls: 0 });
    assert.match(res.stdout, /unknown: not contacted \(--offline\)/);
    assert.match(res.stdout, /0 deployed, 0 undeployed, 3 unknown/);
  });
});
