import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { freePort, HelloWorld } from '../helpers/hello-world.js';
import { docker } from '../helpers/lab.js';

// Day-2 maintenance on the lab swarm: app volumes, undeploy --prune, server prune, versions.
const V1 = '1.0.0+1';
const V2 = '1.1.0+1';
const NS = 'com.docker.stack.namespace';

// The example recipe with a named volume, so deploys create real (labelled) app volumes.
const withVolume = (c: string) =>
  `${c.replace('    stop_grace_period: 1s\n', '    stop_grace_period: 1s\n    volumes:\n      - data:/data\n')}\nvolumes:\n  data:\n`;

let world: HelloWorld;
const extra: { volumes: string[]; secrets: string[]; configs: string[] } = {
  volumes: [],
  secrets: [],
  configs: [],
};

function quiet(args: string[]): void {
  try {
    execFileSync('docker', args, { stdio: 'ignore' });
  } catch {
    // already gone
  }
}

function exists(kind: 'volume' | 'secret' | 'config' | 'network' | 'container', name: string): boolean {
  try {
    execFileSync('docker', [kind, 'inspect', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

before(() => {
  world = new HelloWorld([
    { tag: V1, edit: withVolume },
    {
      tag: V2,
      edit: (c) =>
        withVolume(c).replace('RECIPE_VERSION=${APP_VERSION:-1.0.0}', 'RECIPE_VERSION=${APP_VERSION:-1.1.0}'),
    },
  ]);
});

const deployed: string[] = [];

after(async () => {
  // Undeploy waits until the tasks' containers are gone, so the volumes can then be removed.
  for (const app of deployed) await world.run('app', 'undeploy', app, '-n');
  for (const app of deployed) for (const v of world.objects(app).volumes) quiet(['volume', 'rm', v]);
  for (const v of extra.volumes) quiet(['volume', 'rm', '-f', v]);
  for (const s of extra.secrets) quiet(['secret', 'rm', s]);
  for (const c of extra.configs) quiet(['config', 'rm', c]);
  world.cleanup();
});

describe('app volumes, undeploy --prune and versions on the lab swarm', () => {
  let a: string; // deployed at V1: an upgrade is available
  let b: string; // deployed at V2: the latest
  let stackA: string;
  let stackB: string;

  before(async () => {
    a = world.app('vola', { HOST_PORT: String(await freePort()) });
    b = world.app('volb', { HOST_PORT: String(await freePort()) });
    stackA = world.stack(a);
    stackB = world.stack(b);
    for (const [app, version] of [
      [a, V1],
      [b, V2],
    ] as const) {
      assert.equal((await world.run('app', 'secret', 'generate', app, '--all', '-n')).code, 0);
      deployed.push(app);
      const res = await world.run('app', 'deploy', app, version, '-n', '--no-domain-checks');
      assert.equal(res.code, 0, res.stderr);
    }
    // An unlabelled lookalike of A's volume, and an unused labelled one of A's.
    docker(['volume', 'create', `${stackA}_data2`]);
    docker(['volume', 'create', '--label', `${NS}=${stackA}`, `${stackA}_extra`]);
    extra.volumes.push(`${stackA}_data2`, `${stackA}_extra`);
  });

  it('app ps shows the deployed version and the upgrade', async () => {
    const ps = await world.run('app', 'ps', a);
    assert.equal(ps.code, 0, ps.stderr);
    assert.match(
      ps.stdout.split('\n')[0] ?? '',
      new RegExp(`version ${V1.replace('+', '\\+')} · upgrade ${V2.replace('+', '\\+')} available`),
    );
    const json = JSON.parse((await world.run('app', 'ps', b, '-m')).stdout);
    assert.equal(json.deployment.version, V2);
    assert.equal(json.deployment.upgrade, 'latest');
    assert.equal(json.deployment.chaos, false);
  });

  it('app ls --status --upgrades lists only the app with a newer release', async () => {
    const all = JSON.parse((await world.run('app', 'ls', '--status', '-m')).stdout);
    const names = (l: Record<string, { apps: { appName: string; upgrade?: string }[] }>) =>
      Object.values(l).flatMap((g) => g.apps.map((x) => x.appName));
    assert.deepEqual(names(all).sort(), [a, b].sort());
    const up = JSON.parse((await world.run('app', 'ls', '--status', '--upgrades', '-m')).stdout);
    assert.deepEqual(names(up), [a]);
    assert.equal(up.default.apps[0].upgrade, V2);
    const text = await world.run('app', 'ls', '-u');
    assert.match(text.stdout, new RegExp(a));
    assert.doesNotMatch(text.stdout, new RegExp(b));
  });

  it('volume ls lists only the app’s own volumes, with driver and node', async () => {
    const res = await world.run('app', 'volume', 'ls', a, '-m');
    assert.equal(res.code, 0, res.stderr);
    const vols = JSON.parse(res.stdout).volumes as {
      name: string;
      driver: string;
      node: string;
      mountpoint: string;
    }[];
    assert.deepEqual(
      vols.map((v) => v.name),
      [`${stackA}_data`, `${stackA}_extra`],
    );
    // Sizes and use counts from one GET /system/df: the deployed app's volume is in use.
    const byName = Object.fromEntries(
      (vols as unknown as { name: string; size: number; refCount: number }[]).map((v) => [v.name, v]),
    );
    assert.equal(typeof byName[`${stackA}_data`]?.size, 'number');
    assert.equal(byName[`${stackA}_data`]?.refCount, 1);
    assert.equal(byName[`${stackA}_extra`]?.refCount, 0);
    const node = docker(['info', '--format', '{{.Name}}']);
    for (const v of vols) {
      assert.equal(v.driver, 'local');
      assert.equal(v.node, node);
      assert.match(v.mountpoint, /\/volumes\//);
    }
    const table = await world.run('app', 'vl', 'ls', a);
    assert.match(table.stdout, /NODE/i);
    assert.doesNotMatch(table.stdout, new RegExp(`${stackA}_data2|${stackB}`));
  });

  it('volume rm is refused while deployed; other names are refused as not the app’s', async () => {
    const res = await world.run('app', 'volume', 'rm', a, 'data', '-n');
    assert.equal(res.code, 1);
    assert.match(res.stderr, /is deployed/);
    assert.match(res.stderr, /abra app undeploy/);
    assert.ok(exists('volume', `${stackA}_data`));
    for (const name of [`${stackA}_data2`, `${stackB}_data`]) {
      const r = await world.run('app', 'volume', 'rm', a, name, '-n', '--force');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /Not a volume of/);
      assert.ok(exists('volume', name));
    }
    const none = await world.run('app', 'volume', 'rm', a, '-n');
    assert.equal(none.code, 1);
    assert.match(none.stderr, /--all/);
  });

  it('--force removes an unused volume of the deployed app, audited', async () => {
    const res = await world.run('app', 'volume', 'rm', a, 'extra', '--force', '-n', '-m');
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(JSON.parse(res.stdout).removed, [`${stackA}_extra`]);
    assert.ok(!exists('volume', `${stackA}_extra`));
    assert.ok(exists('volume', `${stackA}_data`));
    const history = JSON.parse((await world.run('app', 'history', a, '-m')).stdout).entries as {
      command: string[];
      result: string;
    }[];
    assert.deepEqual(history.at(-1)?.command.slice(0, 3), ['app', 'volume', 'rm']);
    assert.equal(history.at(-1)?.result, 'ok');
  });

  it('undeploy --prune removes an old secret and unused configs, keeps the current secret and volumes', async () => {
    // Rotate: generate v2, make the env select it; v1 is now an old version.
    assert.equal((await world.run('app', 'secret', 'generate', a, 'api_key', 'v2')).code, 0);
    const env = readFileSync(world.envPath(a), 'utf8').replace(
      'SECRET_API_KEY_VERSION=v1',
      'SECRET_API_KEY_VERSION=v2',
    );
    writeFileSync(world.envPath(a), env);
    // A config of the app, an unlabelled lookalike secret, another app's secret.
    const config = `${stackA}_leftover_v1`;
    execFileSync('docker', ['config', 'create', '--label', `${NS}=${stackA}`, config, '-'], { input: 'x' });
    execFileSync('docker', ['secret', 'create', `${stackA}_api_key_v0`, '-'], { input: 'x' });
    extra.configs.push(config);
    extra.secrets.push(`${stackA}_api_key_v0`);

    const res = await world.run('app', 'undeploy', a, '--prune', '-n', '-m');
    assert.equal(res.code, 0, res.stderr);
    const out = JSON.parse(res.stdout);
    assert.deepEqual(out.pruned.secrets, [`${stackA}_api_key_v1`]);
    assert.deepEqual(out.pruned.keptSecrets, [`${stackA}_api_key_v2`]);
    assert.ok(out.pruned.configs.includes(config));
    const objects = world.objects(a);
    assert.deepEqual(objects.services, []);
    assert.deepEqual(objects.secrets, [`${stackA}_api_key_v2`]);
    assert.ok(!exists('config', config));
    assert.ok(exists('secret', `${stackA}_api_key_v0`));
    assert.ok(exists('volume', `${stackA}_data`));
    assert.ok(world.objects(b).secrets.length > 0);
  });

  it('volume rm lists exactly what goes and asks; with no terminal to ask, nothing goes', async () => {
    const res = await world.run('app', 'volume', 'rm', a, '--all');
    assert.equal(res.code, 1);
    assert.match(res.stderr, new RegExp(`This deletes, on default:\\s+volume ${stackA}_data\\s`));
    assert.doesNotMatch(res.stderr, /_data2|volb/);
    assert.match(res.stderr, /Needs confirmation/);
    assert.ok(exists('volume', `${stackA}_data`));
  });

  it('volume rm --all after the undeploy removes only the app’s volumes', async () => {
    const res = await world.run('app', 'volume', 'rm', a, '--all', '-n', '-m');
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(JSON.parse(res.stdout).removed, [`${stackA}_data`]);
    assert.ok(!exists('volume', `${stackA}_data`));
    assert.ok(exists('volume', `${stackA}_data2`), 'the unlabelled lookalike stays');
    assert.ok(exists('volume', `${stackB}_data`), 'the other app’s volume stays');
  });
});

describe('a chaos deploy in view', () => {
  it('app ps shows the chaos commit with +dirty; app ls --upgrades leaves it out', async () => {
    const app = world.app('chaos', { HOST_PORT: String(await freePort()) });
    assert.equal((await world.run('app', 'secret', 'generate', app, '--all', '-n')).code, 0);
    deployed.push(app);
    writeFileSync(`${world.recipeDir}/uncommitted.txt`, 'x');
    try {
      const res = await world.run('app', 'deploy', app, '--chaos', '-n', '--no-domain-checks');
      assert.equal(res.code, 0, res.stderr);
    } finally {
      execFileSync('rm', ['-f', `${world.recipeDir}/uncommitted.txt`]);
    }
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: world.recipeDir,
      encoding: 'utf8',
    }).trim();
    const ps = await world.run('app', 'ps', app);
    assert.match(ps.stdout.split('\n')[0] ?? '', new RegExp(`\\(chaos ${head}\\w*\\+dirty\\)`));
    const json = JSON.parse((await world.run('app', 'ps', app, '-m')).stdout).deployment;
    assert.equal(json.chaos, true);
    assert.equal(json.dirty, true);
    assert.ok(json.chaosCommit.startsWith(head));
    const up = JSON.parse((await world.run('app', 'ls', '--upgrades', '-m')).stdout);
    const names = Object.values(up as Record<string, { apps: { appName: string }[] }>).flatMap((g) =>
      g.apps.map((x) => x.appName),
    );
    assert.ok(!names.includes(app));
  });
});

describe('server prune on the lab engine (label-filtered: the engine is shared)', () => {
  const id = Math.random().toString(36).slice(2, 8);
  const label = `abra-test-prune=${id}`;
  const made: { containers: string[]; networks: string[]; volumes: string[] } = {
    containers: [],
    networks: [],
    volumes: [],
  };
  let auditBefore: string[] = [];
  const serverAudit = () =>
    docker(['config', 'ls', '-q', '--filter', 'label=coop-cloud.audit.stack=.server'])
      .split('\n')
      .filter(Boolean);

  // A container that ran and exited: what `prune` calls stopped.
  const stopped = (args: string[]): string => {
    const cid = docker(['run', '-d', ...args]);
    docker(['wait', cid]);
    return cid;
  };

  before(() => {
    auditBefore = serverAudit();
    made.containers.push(
      stopped(['--label', label, '--name', `abra-prune-${id}`, 'abra-lab/busybox:1', 'true']),
    );
    // Same kind of object, other label: must survive.
    made.containers.push(
      stopped([
        '--label',
        `abra-test-prune=${id}-keep`,
        '--name',
        `abra-prune-keep-${id}`,
        'abra-lab/busybox:1',
        'true',
      ]),
    );
    docker(['network', 'create', '--label', label, `abra-prune-${id}`]);
    made.networks.push(`abra-prune-${id}`);
    docker(['volume', 'create', '--label', label, `abra-prune-${id}`]);
    made.volumes.push(`abra-prune-${id}`);
  });

  after(() => {
    for (const c of made.containers) quiet(['rm', '-f', c]);
    for (const n of made.networks) quiet(['network', 'rm', n]);
    for (const v of made.volumes) quiet(['volume', 'rm', '-f', v]);
    for (const c of serverAudit()) if (!auditBefore.includes(c)) quiet(['config', 'rm', c]);
  });

  it('removes the labelled stopped container and network, not volumes, and reports space', async () => {
    const res = await world.run('server', 'prune', 'default', '--label', label, '-n', '-m');
    assert.equal(res.code, 0, res.stderr);
    const out = JSON.parse(res.stdout) as {
      results: { kind: string; deleted: string[]; spaceReclaimed: number }[];
      spaceReclaimed: number;
    };
    assert.deepEqual(
      out.results.map((r) => r.kind),
      ['containers', 'networks', 'images'],
    );
    assert.deepEqual(out.results[0]?.deleted, [made.containers[0]]);
    assert.deepEqual(out.results[1]?.deleted, [`abra-prune-${id}`]);
    assert.equal(typeof out.spaceReclaimed, 'number');
    assert.ok(!exists('container', `abra-prune-${id}`));
    assert.ok(!exists('network', `abra-prune-${id}`));
    assert.ok(exists('container', `abra-prune-keep-${id}`), 'another label is untouched');
    assert.ok(exists('volume', `abra-prune-${id}`), 'volumes only with --volumes');
    // Audited as a server-wide entry on the server.
    const added = serverAudit().filter((c) => !auditBefore.includes(c));
    assert.ok(added.length >= 1);
  });

  it('--volumes removes the unused labelled volume; the text output reports reclaimed space', async () => {
    const res = await world.run('server', 'prune', 'default', '--label', label, '--volumes', '-n');
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /volumes\s+1\s/);
    assert.match(res.stdout, /Total reclaimed on default: \d/);
    assert.match(res.stderr, /--volumes deletes every volume/);
    assert.ok(!exists('volume', `abra-prune-${id}`));
  });

  it('an unknown server is a clear error', async () => {
    const res = await world.run('server', 'prune', 'nope', '-n');
    assert.equal(res.code, 1);
    assert.match(res.stderr, /Unknown server "nope"/);
  });
});
