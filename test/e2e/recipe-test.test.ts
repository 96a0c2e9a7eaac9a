import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AUDIT_STACK_LABEL } from '../../src/domain/audit/stored.js';
import { stackNameOf } from '../../src/domain/stack/contract.js';
import { CORPUS_DIR, corpusRecipes } from '../helpers/corpus.js';
import { freePort, HelloWorld } from '../helpers/hello-world.js';
import { docker } from '../helpers/lab.js';
import { cleanupBackupWorld } from './backup-helpers.js';

// `abra recipe test` on the lab swarm, checked from outside with the docker CLI: a recipe with
// two releases and backup labels passes every step and leaves nothing; a recipe whose deploy
// fails exits 1 naming the step, and its cleanup still ran; --keep leaves the app, which the
// operator's own commands then remove; corpus recipes whose images the lab lacks say so.

interface Step {
  name: string;
  title: string;
  status: 'passed' | 'failed' | 'skipped';
  durationMs: number;
  detail?: string;
}
interface Result {
  app: string;
  ok: boolean;
  failed?: string;
  steps: Step[];
  kept: boolean;
  durationMs: number;
}

/** Two releases of `hello` with a data volume that backupbot labels select. */
const withBackups = (version: string) => (c: string) =>
  c
    .replace('RECIPE_VERSION=${APP_VERSION:-1.0.0}', `RECIPE_VERSION=${version}`)
    .replace('version=1.0.0+1', `version=${version}`)
    .replace(
      'networks:\n  proxy:\n    external: true',
      'networks:\n  proxy:\n    external: true\n\nvolumes:\n  data:',
    )
    .replace(
      '    secrets:\n      - api_key\n',
      '    secrets:\n      - api_key\n    volumes:\n      - data:/data\n',
    )
    .replace('      labels:\n', '      labels:\n        - "backupbot.backup=true"\n');

/** Everything of a stack the lab holds, by the namespace label, and whether its env file is there. */
function remains(world: HelloWorld, app: string): string[] {
  const stack = stackNameOf(app);
  const f = `label=com.docker.stack.namespace=${stack}`;
  const list = (kind: string) =>
    docker([kind, 'ls', '--filter', f, '--format', '{{.Name}}'])
      .split('\n')
      .filter(Boolean)
      .map((n) => `${kind} ${n}`);
  const env = join(world.abraDir, 'servers', 'default', `${app}.env`);
  return [
    ...list('service'),
    ...list('network'),
    ...list('volume'),
    ...list('secret'),
    ...list('config'),
    ...(existsSync(env) ? [`env ${env}`] : []),
  ];
}

/** Best effort, after a failed assertion: whatever of the app's stack is still there goes. */
function sweep(app: string): void {
  const stack = stackNameOf(app);
  const f = `label=com.docker.stack.namespace=${stack}`;
  for (const kind of ['service', 'secret', 'config'])
    for (const id of docker([kind, 'ls', '-q', '--filter', f]).split('\n').filter(Boolean))
      execFileSync('docker', [kind, 'rm', id], { stdio: 'ignore' });
  // The server's audit log outlives the app by design; the test's own entries go with the test.
  for (const id of docker(['config', 'ls', '-q', '--filter', `label=${AUDIT_STACK_LABEL}=${stack}`])
    .split('\n')
    .filter(Boolean))
    execFileSync('docker', ['config', 'rm', id], { stdio: 'ignore' });
  for (const id of docker(['network', 'ls', '-q', '--filter', f]).split('\n').filter(Boolean))
    try {
      execFileSync('docker', ['network', 'rm', id], { stdio: 'ignore' });
    } catch {}
  cleanupBackupWorld(undefined, stack);
}

function parse(stdout: string): Result {
  return JSON.parse(stdout) as Result;
}

function statuses(r: Result): Record<string, string> {
  return Object.fromEntries(r.steps.map((s) => [s.name, s.status]));
}

/** Durations as the run measured them, for the report. */
function timings(r: Result): string {
  return r.steps
    .filter((s) => s.status !== 'skipped')
    .map((s) => `${s.name} ${(s.durationMs / 1000).toFixed(1)}s`)
    .join(', ');
}

describe('recipe test: two releases with backup labels', () => {
  let world: HelloWorld;
  const apps: string[] = [];
  let overlay: string[];

  before(async () => {
    world = new HelloWorld([
      { tag: '1.0.0+1', edit: withBackups('1.0.0+1') },
      { tag: '1.1.0+1', edit: withBackups('1.1.0+1') },
    ]);
    world.env.ABRA_RESTIC_IMAGE = 'abra-lab/restic:1';
    const repo = join(world.home, 'repo');
    assert.equal((await world.run('server', 'backup-config', 'default', '--repository', repo)).code, 0);
    const init = await world.run('server', 'backup-init', 'default');
    assert.equal(init.code, 0, init.stderr);
    // No IPVS on the lab: the recipe's own host overlay (dnsrr, a host-mode port).
    overlay = [
      '--env',
      'COMPOSE_FILE=compose.yml:compose.host.yml',
      '--env',
      `HOST_PORT=${await freePort()}`,
    ];
  });
  after(() => {
    for (const app of apps) if (app) sweep(app);
    cleanupBackupWorld(world, 'none');
  });

  it('passes every step, prints the table, and nothing of the app remains', async () => {
    const res = await world.run('recipe', 'test', 'hello', '-s', 'default', ...overlay, '--machine');
    const r = parse(res.stdout);
    apps.push(r.app);
    assert.equal(res.code, 0, `${res.stderr}\n${res.stdout}`);
    assert.match(r.app, /^hello-test-[0-9a-f]{6}\.default$/);
    assert.deepEqual(statuses(r), {
      new: 'passed',
      secrets: 'passed',
      images: 'passed',
      deploy: 'passed',
      backup: 'passed',
      restore: 'passed',
      upgrade: 'passed',
      rollback: 'passed',
      undeploy: 'passed',
      remove: 'passed',
      verify: 'passed',
    });
    const by = Object.fromEntries(r.steps.map((s) => [s.name, s]));
    assert.match(by.deploy?.detail ?? '', /^1\.0\.0\+1 converged/);
    assert.equal(by.upgrade?.detail, '1.0.0+1 -> 1.1.0+1');
    assert.equal(by.rollback?.detail, '1.1.0+1 -> 1.0.0+1');
    assert.match(by.backup?.detail ?? '', /^snapshot [0-9a-f]{8}/);
    // The step events went to stderr as JSON lines, in order.
    const events = res.stderr
      .split('\n')
      .filter((l) => l.includes('"event":"test.step"'))
      .map((l) => JSON.parse(l) as { step: string; status: string });
    assert.deepEqual(
      events.filter((e) => e.status !== 'started').map((e) => e.step),
      r.steps.map((s) => s.name),
    );
    assert.deepEqual(remains(world, r.app), [], 'nothing of the app remains');
    console.log(`# all steps: ${(r.durationMs / 1000).toFixed(1)}s (${timings(r)})`);
  });

  it('--keep --chaos: the working tree, the app is left and the operator removes it by hand', async () => {
    const res = await world.run('recipe', 'test', 'hello', '-s', 'default', ...overlay, '--chaos', '--keep');
    const app = /Kept (\S+) on default/.exec(res.stdout)?.[1] ?? '';
    apps.push(app);
    assert.equal(res.code, 0, `${res.stderr}\n${res.stdout}`);
    assert.match(res.stdout, /upgrade +skipped +- +--chaos tests the working tree only/);
    assert.match(res.stdout, /verify +skipped +- +--keep: the app is left for debugging/);
    assert.match(res.stdout, /remove it with: abra app undeploy \S+ -n; abra app remove \S+ -n/);
    const left = remains(world, app);
    assert.ok(left.includes(`service ${stackNameOf(app)}_app`), left.join(', '));
    assert.ok(left.some((x) => x.startsWith('volume ')));
    const undeploy = await world.run('app', 'undeploy', app, '-n');
    assert.equal(undeploy.code, 0, undeploy.stderr);
    const remove = await world.run('app', 'remove', app, '-n');
    assert.equal(remove.code, 0, remove.stderr);
    assert.deepEqual(remains(world, app), []);
  });
});

describe('recipe test: Ctrl-C', () => {
  let world: HelloWorld;
  let app = '';
  before(() => {
    world = new HelloWorld([{ tag: '1.0.0+1', edit: withBackups('1.0.0+1') }]);
  });
  after(() => {
    if (app) sweep(app);
    world.cleanup();
  });

  it('during the deploy: the deploy undoes itself, the later steps are skipped, the cleanup runs, exit 130', async () => {
    const child = world.start(
      'recipe',
      'test',
      'hello',
      '-s',
      'default',
      '--env',
      'COMPOSE_FILE=compose.yml:compose.host.yml',
      '--env',
      `HOST_PORT=${await freePort()}`,
    );
    const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    const deadline = Date.now() + 60_000;
    while (!/==> deploy:/.test(child.output()) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const code = await closed;
    const out = child.output();
    app = /<== new: ok \([^)]*\): (\S+)/.exec(out)?.[1] ?? '';
    assert.equal(code, 130, out);
    assert.match(out, /<== deploy: FAILED/);
    assert.match(out, /--- backup: skipped: an earlier step failed \(deploy\)/);
    assert.match(out, /<== remove: ok/);
    assert.match(out, /<== verify: ok/);
    assert.match(out, /The test of hello was interrupted; the cleanup ran/);
    assert.ok(app.startsWith('hello-test-'), out);
    assert.deepEqual(remains(world, app), []);
  });
});

describe('recipe test: failures', () => {
  let world: HelloWorld;
  const apps: string[] = [];
  before(() => {
    world = new HelloWorld([
      {
        tag: '1.0.0+1',
        edit: (c) => withBackups('1.0.0+1')(c).replace('exec httpd -f -p 8080 -h /www', 'exit 3'),
      },
    ]);
  });
  after(() => {
    for (const app of apps) if (app) sweep(app);
    world.cleanup();
  });

  it('a deploy that fails: exit 1, the step named, later steps skipped, cleanup ran, nothing remains', async () => {
    const res = await world.run(
      'recipe',
      'test',
      'hello',
      '-s',
      'default',
      '--env',
      'COMPOSE_FILE=compose.yml:compose.host.yml',
      '--env',
      `HOST_PORT=${await freePort()}`,
      '--env',
      'TIMEOUT=20',
    );
    const app = /^\s*new +passed +\S+ +(\S+)/m.exec(res.stdout)?.[1] ?? '';
    apps.push(app);
    assert.equal(res.code, 1, `${res.stderr}\n${res.stdout}`);
    assert.match(res.stderr, /The test of recipe hello failed at step deploy/);
    assert.match(res.stdout, /deploy +failed/);
    assert.match(res.stdout, /backup +skipped +- +an earlier step failed \(deploy\)/);
    assert.match(res.stdout, /upgrade +skipped +- +only one release \(1\.0\.0\+1\): nothing to upgrade from/);
    assert.match(res.stdout, /remove +passed/);
    assert.match(res.stdout, /verify +passed/);
    assert.ok(app.startsWith('hello-test-'), res.stdout);
    assert.deepEqual(remains(world, app), []);
  });

  it('an image the server lacks: named, with why, before anything is deployed', async () => {
    const compose = join(world.recipeDir, 'compose.yml');
    writeFileSync(
      compose,
      readFileSync(compose, 'utf8').replace('abra-example/hello:1', 'abra-test/absent:1'),
    );
    const res = await world.run('recipe', 'test', 'hello', '-s', 'default', '--chaos', '--machine');
    const r = parse(res.stdout);
    apps.push(r.app);
    assert.equal(res.code, 1);
    assert.equal(r.failed, 'images');
    const images = r.steps.find((s) => s.name === 'images');
    assert.match(
      images?.detail ?? '',
      /^image abra-test\/absent:1 not present on default and no registry reachable \(.+\)$/,
    );
    assert.equal(statuses(r).deploy, 'skipped');
    assert.equal(statuses(r).verify, 'passed');
    assert.deepEqual(remains(world, r.app), []);
  });

  it('bad input changes nothing: unknown recipe, unknown server, a bad --env', async () => {
    const before = readdirSync(join(world.abraDir, 'servers', 'default'));
    const cases: [string[], RegExp][] = [
      [['recipe', 'test', 'nosuch', '-s', 'default'], /Recipe "nosuch" is not fetched/],
      [['recipe', 'test', 'hello', '-s', 'nowhere'], /Unknown server "nowhere"/],
      [['recipe', 'test', 'hello', '-s', 'default', '--env', 'NOPE'], /Bad --env/],
      [['recipe', 'test', 'hello'], /needs --server/],
    ];
    for (const [args, message] of cases) {
      const res = await world.run(...args);
      assert.equal(res.code, 1, args.join(' '));
      assert.match(res.stderr, message);
    }
    assert.deepEqual(readdirSync(join(world.abraDir, 'servers', 'default')), before);
  });
});

// The corpus recipes against the lab's images (busybox, nginx, postgres, restic, socat): none
// ships an image the lab has under the recipe's own name. `example` needs only nginx:1.19.2,
// which the lab's nginx (built like the official image, with curl) serves once tagged so; the
// others need images the lab has no stand-in for, and the command says which.
describe('recipe test: the corpus on the lab', () => {
  let world: HelloWorld;
  const apps: string[] = [];
  let tagged = false;
  before(() => {
    world = new HelloWorld([]);
    for (const recipe of corpusRecipes()) {
      const dir = join(world.abraDir, 'recipes', recipe);
      cpSync(join(CORPUS_DIR, recipe), dir, { recursive: true });
      // The corpus leaves out config templates (test/fixtures/recipes/SOURCES.md): placeholders,
      // so what stops a recipe on the lab is what would stop it on a real server.
      for (const f of readdirSync(dir).filter((n) => /^compose.*\.yml$/.test(n)))
        for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/^ {4}file: (\S+)$/gm))
          if (m[1] && !existsSync(join(dir, m[1]))) writeFileSync(join(dir, m[1]), 'placeholder\n');
      const git = (...args: string[]) =>
        execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: dir });
      git('init', '-q', '-b', 'main');
      git('add', '-A');
      git('commit', '-qm', 'corpus copy');
      git('tag', '-a', '1.0.0+1', '-m', '1.0.0+1');
    }
  });
  after(() => {
    if (tagged) docker(['rmi', 'nginx:1.19.2']);
    for (const app of apps) if (app) sweep(app);
    world.cleanup();
  });

  it('each recipe the lab cannot serve fails early, says why, and leaves nothing', async () => {
    const reasons: string[] = [];
    for (const recipe of corpusRecipes()) {
      if (recipe === 'example') continue;
      const res = await world.run('recipe', 'test', recipe, '-s', 'default', '--machine');
      const r = parse(res.stdout);
      apps.push(r.app);
      assert.equal(res.code, 1, `${recipe}: ${res.stderr}`);
      const failed = r.steps.find((s) => s.name === r.failed);
      reasons.push(`${recipe}: ${r.failed}: ${failed?.detail}`);
      if (recipe === 'seerrng') assert.match(failed?.detail ?? '', /has no \.env\.sample/);
      else {
        assert.equal(r.failed, 'images', `${recipe}: ${failed?.detail}`);
        assert.match(failed?.detail ?? '', /not present on default and no registry reachable/);
      }
      assert.deepEqual(remains(world, r.app), [], recipe);
    }
    console.log(`# corpus reasons:\n#   ${reasons.join('\n#   ')}`);
  });

  it('example, with the lab nginx as nginx:1.19.2: passes; no backup labels and one release say so', async () => {
    if (!docker(['images', '-q', 'nginx:1.19.2'])) {
      docker(['tag', 'abra-lab/nginx:1', 'nginx:1.19.2']);
      tagged = true;
    }
    const res = await world.run('recipe', 'test', 'example', '-s', 'default', '--machine');
    const r = parse(res.stdout);
    apps.push(r.app);
    assert.equal(res.code, 0, `${res.stderr}\n${res.stdout}`);
    const by = Object.fromEntries(r.steps.map((s) => [s.name, s]));
    assert.equal(by.backup?.status, 'skipped');
    assert.equal(by.backup?.detail, 'the recipe has no backup labels');
    assert.equal(by.restore?.detail, 'the recipe has no backup labels');
    assert.equal(by.upgrade?.detail, 'only one release (1.0.0+1): nothing to upgrade from');
    assert.equal(by.verify?.status, 'passed');
    assert.deepEqual(remains(world, r.app), []);
    console.log(`# example: ${(r.durationMs / 1000).toFixed(1)}s (${timings(r)})`);
  });
});
