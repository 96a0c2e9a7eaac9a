import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { snapshotWithoutAudit } from '../helpers/cli.js';
import { freePort, HelloWorld, httpGet } from '../helpers/hello-world.js';
import { docker } from '../helpers/lab.js';

// Releases of the test recipe: a good one, then one broken in each way a deploy can fail.
const GOOD = '1.0.0+1';
const GOOD2 = '1.0.1+1';
const CRASHES = '1.1.0+1';
const NO_IMAGE = '1.2.0+1';
const UNHEALTHY = '1.3.0+1';

let world: HelloWorld;

before(() => {
  world = new HelloWorld([
    { tag: GOOD },
    {
      tag: GOOD2,
      edit: (c) => c.replace('RECIPE_VERSION=${APP_VERSION:-1.0.0}', 'RECIPE_VERSION=${APP_VERSION:-1.0.1}'),
    },
    { tag: CRASHES, edit: (c) => c.replace('exec httpd -f -p 8080 -h /www', 'exit 3') },
    { tag: NO_IMAGE, edit: (c) => c.replace('abra-example/hello:1', 'abra-example/hello:does-not-exist') },
    { tag: UNHEALTHY, edit: (c) => c.replace('grep -q hello', 'grep -q never-there') },
  ]);
});

after(() => world.cleanup());

function imageOf(domain: string): string {
  return docker([
    'service',
    'inspect',
    `${world.stack(domain)}_app`,
    '--format',
    '{{.Spec.TaskTemplate.ContainerSpec.Image}}',
  ]);
}

function versionLabel(domain: string): string {
  const stack = world.stack(domain);
  return docker([
    'service',
    'inspect',
    `${stack}_app`,
    '--format',
    `{{index .Spec.Labels "coop-cloud.${stack}.version"}}`,
  ]);
}

describe('abra app deploy on the lab swarm', () => {
  let port: number;
  let app: string;

  before(async () => {
    port = await freePort();
    app = world.app('main', { HOST_PORT: String(port) });
  });

  it('refuses to deploy while a secret is missing, naming it and the fix, changing nothing', async () => {
    const before = snapshotWithoutAudit(world.home);
    const res = await world.run('app', 'deploy', app, '-n', '--no-domain-checks');
    assert.equal(res.code, 1);
    assert.match(res.stderr, /needs secrets that do not exist on default: main-\w+_lab_example_api_key_v1/);
    assert.match(res.stderr, /abra app secret generate/);
    assert.deepEqual(world.objects(app).services, []);
    // The refused attempt is audited (the only file it may write); nothing else changed.
    assert.deepEqual(snapshotWithoutAudit(world.home), before);
    const history = await world.run('app', 'history', app, '-m');
    const entries = JSON.parse(history.stdout).entries as { result: string; message: string }[];
    assert.equal(entries.at(-1)?.result, 'failed');
    assert.match(entries.at(-1)?.message ?? '', /needs secrets/);
  });

  it('deploys the latest release, converges, serves, and records the version in the env', async () => {
    assert.equal((await world.run('app', 'secret', 'generate', app, '--all', '-n')).code, 0);
    const res = await world.run('app', 'deploy', app, GOOD, '-n', '--no-domain-checks');
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /\+ app \(new service\)/);
    assert.match(res.stderr, /app: running \(1\/1\)/);
    assert.match(await httpGet(port), new RegExp(`hello from ${app.replaceAll('.', '\\.')}`));
    assert.match(
      readFileSync(world.envPath(app), 'utf8'),
      new RegExp(`^TYPE=hello:${GOOD.replace('+', '\\+')}$`, 'm'),
    );
    assert.equal(versionLabel(app), GOOD);
    const ps = JSON.parse((await world.run('app', 'ps', app, '--machine')).stdout);
    assert.equal(ps.services[0].version, GOOD);
    assert.equal(ps.services[0].replicas, '1/1');
    // Each task names its node by host name as well as id.
    const hostname = docker(['info', '--format', '{{.Name}}']).trim();
    assert.equal(ps.services[0].tasks[0].nodeName, hostname);
    assert.equal(ps.services[0].tasks[0].node, docker(['info', '--format', '{{.Swarm.NodeID}}']).trim());
    const table = (await world.run('app', 'ps', app)).stdout;
    assert.match(table, new RegExp(`NODE[\\s\\S]*#1 +${hostname} +running`));
  });

  it('refuses a redeploy of the same version without --force', async () => {
    const res = await world.run('app', 'deploy', app, '-n', '--no-domain-checks');
    assert.equal(res.code, 1);
    assert.match(res.stderr, /already deployed at 1\.0\.0\+1/);
  });

  it('upgrades to a new release with a rolling update', async () => {
    const res = await world.run('app', 'deploy', app, GOOD2, '-n', '--no-domain-checks');
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /~ app \(env/);
    assert.match(await httpGet(port), /\(1\.0\.1\)/);
    assert.equal(versionLabel(app), GOOD2);
    await world.run('app', 'deploy', app, GOOD, '-n', '--no-domain-checks');
    assert.equal(versionLabel(app), GOOD);
  });

  for (const [name, version, why] of [
    ['a command that exits 1', CRASHES, /non-zero exit \(3\)|exit code 3/],
    ['an image that does not exist', NO_IMAGE, /No such image|does-not-exist|rejected/],
    ['a healthcheck that never passes', UNHEALTHY, /unhealthy|did not converge|failed/],
  ] as const) {
    it(`rolls back ${name}: the previous version keeps running, env and secrets intact`, async () => {
      const secretsBefore = world.objects(app).secrets;
      const envBefore = readFileSync(world.envPath(app), 'utf8');
      const res = await world.run('app', 'deploy', app, version, '-n', '--no-domain-checks');
      assert.equal(res.code, 1, res.stdout);
      assert.match(res.stderr, /failed and was rolled back/);
      assert.match(res.stderr, why);
      assert.equal(versionLabel(app), GOOD, 'the label is back at the previous version');
      assert.equal(imageOf(app).split('@')[0], 'abra-example/hello:1');
      assert.match(await httpGet(port), /hello from/);
      assert.equal(
        readFileSync(world.envPath(app), 'utf8'),
        envBefore,
        'the env still records the running version',
      );
      assert.deepEqual(world.objects(app).secrets, secretsBefore);
      const history = (await world.run('app', 'history', app, '--machine')).stdout;
      assert.match(history, /rolled-back/);
    });
  }

  it('a failed first deploy is removed (secrets kept), and a taken port fails cleanly', async () => {
    const other = world.app('portclash', { HOST_PORT: String(port), TIMEOUT: '20' });
    assert.equal((await world.run('app', 'secret', 'generate', other, '--all', '-n')).code, 0);
    const res = await world.run('app', 'deploy', other, GOOD, '-n', '--no-domain-checks');
    assert.equal(res.code, 1, res.stdout);
    assert.match(res.stderr, /host-mode port already in use|did not converge/);
    assert.match(res.stderr, /failed and was removed/);
    const objs = world.objects(other);
    assert.deepEqual(objs.services, []);
    assert.deepEqual(objs.networks, []);
    assert.equal(objs.secrets.length, 1, 'secrets are kept');
    assert.match(await httpGet(port), /hello from main-/, 'the app owning the port is untouched');
  });

  it('rejects an invalid env value before changing anything', async () => {
    const bad = world.app('badenv', { HOST_PORT: 'eighty' });
    const before = snapshotWithoutAudit(world.home);
    const res = await world.run('app', 'deploy', bad, GOOD, '-n', '--no-domain-checks');
    assert.equal(res.code, 1);
    assert.match(res.stderr, /published/);
    assert.match(res.stderr, /where: /);
    assert.deepEqual(world.objects(bad).services, []);
    assert.deepEqual(snapshotWithoutAudit(world.home), before);
  });

  it('restarts, then undeploys (networks gone, secrets and volumes kept) and removes', async () => {
    const restart = await world.run('app', 'restart', app, 'app');
    assert.equal(restart.code, 0, restart.stderr);
    const und = await world.run('app', 'undeploy', app, '-n');
    assert.equal(und.code, 0, und.stderr);
    const objs = world.objects(app);
    assert.deepEqual(objs.services, []);
    assert.deepEqual(objs.networks, []);
    assert.equal(objs.secrets.length, 1);
    const rm = await world.run('app', 'remove', app, '-n');
    assert.equal(rm.code, 0, rm.stderr);
    assert.deepEqual(world.objects(app).secrets, []);
    assert.throws(() => readFileSync(world.envPath(app)));
  });
});

describe('abra app deploy recovers from a lost SSH connection', () => {
  it('a re-run after the connection dies mid-deploy converges without duplicate objects', async () => {
    const { hostBlock, loadLab } = await import('../helpers/lab.js');
    const { mkdirSync, copyFileSync, chmodSync, renameSync } = await import('node:fs');
    const { join } = await import('node:path');
    const lab = loadLab();
    const port = await freePort();
    // The same app, reached through the lab sshd as server "lab".
    const sshDir = join(world.home, '.ssh');
    mkdirSync(sshDir, { recursive: true, mode: 0o700 });
    copyFileSync(lab.sshKey, join(sshDir, 'id_ed25519'));
    chmodSync(join(sshDir, 'id_ed25519'), 0o600);
    copyFileSync(lab.knownHosts, join(sshDir, 'known_hosts'));
    writeFileSync(join(sshDir, 'config'), hostBlock('lab', lab));
    mkdirSync(join(world.abraDir, 'servers', 'lab'), { recursive: true });
    const domain = world.app('sshkill', { HOST_PORT: String(port) });
    renameSync(world.envPath(domain), join(world.abraDir, 'servers', 'lab', `${domain}.env`));
    assert.equal((await world.run('app', 'secret', 'generate', domain, '--all', '-n')).code, 0);

    const { spawn, execFileSync } = await import('node:child_process');
    const child = spawn(
      process.execPath,
      [
        new URL('../../bin/abra.js', import.meta.url).pathname,
        'app',
        'deploy',
        domain,
        GOOD,
        '-n',
        '--no-domain-checks',
        '--debug',
      ],
      {
        env: world.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    // Once the deploy is watching convergence, kill the SSH session processes on the server side.
    const deadline = Date.now() + 30_000;
    while (!/Waiting up to/.test(err) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.match(err, /Waiting up to/);
    // Only this deploy's session: other tests run at the same time over the same sshd.
    const sessions = sshdSessionsOf(child.pid ?? -1, lab.sshPort, execFileSync);
    assert.ok(sessions.length > 0, 'found the sshd process serving this deploy');
    execFileSync('kill', ['-KILL', ...sessions]);
    const code = await new Promise<number | null>((r) => child.once('close', r));
    // The pool notices the dead connection and opens a new one: the watch carries on, or the
    // deploy fails with a clear error. Either way no bug, and the connection really died.
    assert.doesNotMatch(err, /abra hit a bug/);
    assert.ok(
      (err.match(/ssh lab: connected/g) ?? []).length >= 2 || code !== 0,
      `reconnected or failed cleanly:\n${err}`,
    );

    const again = await world.run('app', 'deploy', domain, GOOD, '-n', '--no-domain-checks', '--force');
    assert.equal(again.code, 0, again.stderr);
    assert.match(await httpGet(port), /hello from sshkill-/);
    const objs = world.objects(domain);
    assert.deepEqual(objs.services, [`${world.stack(domain)}_app`], 'exactly one service, no duplicates');
    assert.equal(objs.secrets.length, 1);
  });
});

/**
 * The server-side sshd processes of a client process's connections to `port`: its local ports
 * from `ss`, then the sshd whose peer is one of them.
 */
function sshdSessionsOf(
  clientPid: number,
  port: number,
  exec: (cmd: string, args: string[], opts: { encoding: 'utf8' }) => string,
): string[] {
  const lines = exec('ss', ['-Htnp', 'state', 'established'], { encoding: 'utf8' }).split('\n');
  const clientPorts = new Set<string>();
  for (const l of lines) {
    const [local, peer] = l.trim().split(/\s+/).slice(2, 4);
    if (peer?.endsWith(`:${port}`) && l.includes(`pid=${clientPid},`))
      clientPorts.add(local?.split(':').pop() ?? '');
  }
  const pids: string[] = [];
  for (const l of lines) {
    const [local, peer] = l.trim().split(/\s+/).slice(2, 4);
    if (!local?.endsWith(`:${port}`) || !clientPorts.has(peer?.split(':').pop() ?? '')) continue;
    for (const m of l.matchAll(/"sshd[^"]*",pid=(\d+)/g)) pids.push(m[1] as string);
  }
  return [...new Set(pids)];
}
