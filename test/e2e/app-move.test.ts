import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HelloWorld } from '../helpers/hello-world.js';
import { docker, loadLab } from '../helpers/lab.js';
import { type Solo, startSolo, stopSolo } from '../helpers/solo.js';

// abra app move between two separate swarms reached over SSH: the lab's sshd (the local engine,
// server `lab`) and the solo node (test/lab/solo.sh: its own netns, dockerd and sshd, server
// `solo`). An app with a volume of known bytes and a generated secret goes to solo and back.

const HELPER_IMAGE = 'abra-lab/busybox:1';
const APP_IMAGE = 'abra-example/hello:1';

let world: HelloWorld;
let solo: Solo;
let app: string;
let stack: string;

/** The volume's tree: paths, modes and owners, every file's sha256, every link's target. */
const TREE =
  'cd /data && export LC_ALL=C && find . | sort | while read -r p; do stat -c "%a %u:%g %F %n" "$p"; done' +
  ' && find . -type f -exec sha256sum {} + | sort -k2' +
  ' && find . -type l | sort | while read -r l; do echo "$l -> $(readlink "$l")"; done';

type Engine = (args: string[]) => string;
const labEngine: Engine = (args) => docker(args);

function running(engine: Engine): string {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const id = engine([
      'ps',
      '-q',
      '--filter',
      `label=com.docker.swarm.service.name=${stack}_app`,
      '--filter',
      'status=running',
    ])
      .split('\n')
      .filter(Boolean)[0];
    if (id) return id;
    if (Date.now() > deadline) throw new Error(`no running container of ${stack}_app`);
    execFileSync('sleep', ['0.5']);
  }
}

function inApp(engine: Engine, script: string): string {
  return engine(['exec', running(engine), 'sh', '-c', script]);
}

function stackObjects(engine: Engine): { services: string[]; volumes: string[]; secrets: string[] } {
  const f = `label=com.docker.stack.namespace=${stack}`;
  const list = (args: string[]) => engine(args).split('\n').filter(Boolean).sort();
  return {
    services: list(['service', 'ls', '--filter', f, '--format', '{{.Name}}']),
    volumes: list(['volume', 'ls', '--filter', f, '--format', '{{.Name}}']),
    secrets: list(['secret', 'ls', '--filter', f, '--format', '{{.Name}}']),
  };
}

function envPath(server: string): string {
  return join(world.abraDir, 'servers', server, `${app}.env`);
}

before(async () => {
  const lab = loadLab();
  world = new HelloWorld([
    {
      tag: '1.0.0+1',
      // A volume; and a way to make the deploy on solo fail: a marker file in the volume makes
      // the task exit on the node named l2-solo (the task's host name is its node's).
      edit: (c) =>
        `${c
          .replace(
            '    deploy:\n      update_config:',
            '    volumes:\n      - data:/data\n    hostname: "{{.Node.Hostname}}"\n    deploy:\n      endpoint_mode: dnsrr\n      update_config:',
          )
          .replace(
            '        mkdir -p /www &&',
            // (a function: a replacement string would turn $$ into $)
            () =>
              '        if [ "$$(hostname)" = l2-solo ] && [ -e /data/fail-on-solo ]; then exit 3; fi &&\n        mkdir -p /www &&',
          )}\nvolumes:\n  data:\n`,
    },
  ]);
  world.env.ABRA_MOVE_IMAGE = HELPER_IMAGE;
  solo = startSolo([APP_IMAGE, HELPER_IMAGE], lab.hostKeyPub);
  world.useSshServer();
  appendFileSync(
    join(world.home, '.ssh', 'config'),
    'Host solo\n  HostName 192.168.78.10\n  Port 22\n  User root\n  IdentityFile ~/.ssh/id_ed25519\n  IdentitiesOnly yes\n',
  );
  appendFileSync(join(world.home, '.ssh', 'known_hosts'), `${solo.knownHostsLine}\n`);
  const added = await world.run('server', 'add', 'solo');
  assert.equal(added.code, 0, added.stderr);
  app = world.app('mv', { COMPOSE_FILE: 'compose.yml' }, 'lab');
  stack = world.stack(app);
  const gen = await world.run('app', 'secret', 'generate', app, '--all');
  assert.equal(gen.code, 0, gen.stderr);
  const dep = await world.run('app', 'deploy', app, '1.0.0+1', '-n', '--no-domain-checks');
  assert.equal(dep.code, 0, dep.stderr);
  // Known bytes: random files in nested directories, a name with a space, modes, an owner, a link.
  inApp(
    labEngine,
    'cd /data && mkdir -p a/b/c "with space" && for i in 1 2 3 4 5; do head -c $((i * 7919)) /dev/urandom > a/f$i; head -c 300 /dev/urandom > a/b/c/g$i; done' +
      ' && head -c 3000000 /dev/urandom > "with space/big" && chmod 600 a/f1 && chown 1234:4321 a/f2 && chmod 2750 a/b && ln -s a/f1 link && : > empty',
  );
});

after(async () => {
  try {
    // Undeploy waits until the tasks are gone, so the cleanup can remove the volume.
    if (app) await world.run('-n', 'app', 'undeploy', app);
    world?.cleanup();
  } finally {
    stopSolo();
  }
});

describe('abra app move between two swarms over SSH', () => {
  let tree: string;
  let secret: string;

  it('refuses an unknown server, changing nothing', async () => {
    tree = inApp(labEngine, TREE);
    secret = inApp(labEngine, 'cat /run/secrets/api_key');
    assert.ok(secret.length >= 32, 'a generated secret is mounted');
    const before = readFileSync(envPath('lab'));
    const res = await world.run('-n', 'app', 'move', app, 'nosuch');
    assert.equal(res.code, 1, res.stderr);
    assert.match(res.stderr, /Unknown server "nosuch"/);
    assert.deepEqual(readFileSync(envPath('lab')), before);
    assert.deepEqual(stackObjects(labEngine).services, [`${stack}_app`]);
  });

  it('refuses when the target has the domain (an env file there, or a stack deployed)', async () => {
    mkdirSync(join(world.abraDir, 'servers', 'solo'), { recursive: true });
    writeFileSync(envPath('solo'), 'TYPE=hello\n', { mode: 0o600 });
    const withEnv = await world.run('-n', 'app', 'move', app, 'solo');
    assert.equal(withEnv.code, 1, withEnv.stderr);
    assert.match(withEnv.stderr, /solo already has an app/);
    execFileSync('rm', [envPath('solo')]);

    // A stack of that name deployed on solo by someone else.
    solo.docker([
      'service',
      'create',
      '-d',
      '--no-resolve-image',
      '--name',
      `${stack}_other`,
      '--label',
      `com.docker.stack.namespace=${stack}`,
      HELPER_IMAGE,
      'sleep',
      '600',
    ]);
    try {
      const withStack = await world.run('-n', 'app', 'move', app, 'solo');
      assert.equal(withStack.code, 1, withStack.stderr);
      assert.match(withStack.stderr, /already deployed on solo/);
    } finally {
      solo.docker(['service', 'rm', `${stack}_other`]);
    }
    assert.ok(existsSync(envPath('lab')));
    assert.deepEqual(stackObjects(labEngine).services, [`${stack}_app`]);
    assert.equal(inApp(labEngine, TREE), tree, 'the app still runs on lab with its data');
  });

  it('a deploy failing on solo: solo is cleaned up, lab keeps everything and redeploys', async () => {
    inApp(labEngine, ': > /data/fail-on-solo');
    const before = readFileSync(envPath('lab'));
    const res = await world.run('-n', 'app', 'move', app, 'solo', '--no-domain-checks');
    assert.equal(res.code, 1, res.stderr);
    assert.match(res.stderr, /Moving .* to solo failed/);
    assert.match(
      res.stderr,
      new RegExp(`abra app deploy ${app.replaceAll('.', '\\.')}`),
      'says how to bring it back',
    );
    assert.deepEqual(readFileSync(envPath('lab')), before, 'the env file is back on lab, unchanged');
    assert.ok(!existsSync(envPath('solo')));
    assert.ok(!existsSync(join(world.abraDir, 'servers', 'lab', `.${app}.env.moving`)));
    const soloEngine: Engine = (args) => solo.docker(args);
    assert.deepEqual(stackObjects(soloEngine), { services: [], volumes: [], secrets: [] }, 'solo cleaned up');
    assert.deepEqual(stackObjects(labEngine), {
      services: [],
      volumes: [`${stack}_data`],
      secrets: [`${stack}_api_key_v1`],
    });
    const dep = await world.run('app', 'deploy', app, '-n', '--no-domain-checks');
    assert.equal(dep.code, 0, dep.stderr);
    inApp(labEngine, 'rm /data/fail-on-solo');
    assert.equal(inApp(labEngine, TREE), tree, 'the data on lab is untouched');
    assert.equal(inApp(labEngine, 'cat /run/secrets/api_key'), secret);
  });

  it('--plan shows the move and changes nothing', async () => {
    const res = await world.run('app', 'move', app, 'solo', '--plan', '--no-domain-checks');
    assert.equal(res.code, 0, res.stderr);
    assert.equal(
      res.stdout,
      `Move ${app} from lab to solo at 1.0.0+1:\n  - undeploy it on lab\n  > copy volume ${stack}_data\n` +
        `  > copy secret ${stack}_api_key_v1\n  > move the env file to servers/solo/${app}.env\n  + deploy it on solo\n`,
    );
    assert.deepEqual(
      stackObjects((args) => solo.docker(args)),
      { services: [], volumes: [], secrets: [] },
    );
    assert.deepEqual(stackObjects(labEngine).services, [`${stack}_app`]);
  });

  it('moves the app to solo: same bytes, same secret, env file moved, nothing left on lab', async () => {
    const res = await world.run('-n', 'app', 'move', app, 'solo', '--no-domain-checks', '-m');
    assert.equal(res.code, 0, res.stderr);
    assert.doesNotMatch(res.stdout + res.stderr, new RegExp(secret), 'the secret value is never printed');
    const out = JSON.parse(res.stdout) as { version: string; volumes: { name: string }[]; secrets: string[] };
    assert.equal(out.version, '1.0.0+1');
    assert.deepEqual(
      out.volumes.map((v) => v.name),
      [`${stack}_data`],
    );
    assert.deepEqual(out.secrets, [`${stack}_api_key_v1`]);

    const soloEngine: Engine = (args) => solo.docker(args);
    assert.equal(
      inApp(soloEngine, TREE),
      tree,
      'the volume is byte-identical (paths, modes, owners, sha256)',
    );
    assert.equal(inApp(soloEngine, 'cat /run/secrets/api_key'), secret, 'the secret has the same value');
    const labels = JSON.parse(
      solo.docker(['secret', 'inspect', '--format', '{{json .Spec.Labels}}', `${stack}_api_key_v1`]),
    ) as Record<string, string>;
    assert.equal(labels['com.docker.stack.namespace'], stack);

    assert.ok(!existsSync(envPath('lab')), 'the env file left lab');
    assert.equal(statSync(envPath('solo')).mode & 0o777, 0o600);
    assert.match(readFileSync(envPath('solo'), 'utf8'), /^TYPE=hello:1\.0\.0\+1$/m);
    assert.deepEqual(
      stackObjects(labEngine),
      { services: [], volumes: [], secrets: [] },
      'nothing left on lab',
    );
    assert.equal(docker(['service', 'ls', '-q', '--filter', 'label=coop-cloud.move.stack']), '');
    assert.equal(solo.docker(['service', 'ls', '-q', '--filter', 'label=coop-cloud.move.stack']), '');
  });

  it('moves it back to lab (--keep-source keeps the volume and secret on solo)', async () => {
    const res = await world.run('-n', 'app', 'move', app, 'lab', '--no-domain-checks', '--keep-source');
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /Moved .* from solo to lab at 1\.0\.0\+1/);
    assert.equal(inApp(labEngine, TREE), tree, 'byte-identical after the round trip');
    assert.equal(inApp(labEngine, 'cat /run/secrets/api_key'), secret);
    assert.ok(existsSync(envPath('lab')) && !existsSync(envPath('solo')));
    const soloEngine: Engine = (args) => solo.docker(args);
    assert.deepEqual(stackObjects(soloEngine), {
      services: [],
      volumes: [`${stack}_data`],
      secrets: [`${stack}_api_key_v1`],
    });
    // The audit log on both servers names the move.
    const audit = readFileSync(join(world.abraDir, 'audit.log'), 'utf8');
    assert.match(audit, /move/);
  });
});
