import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort, HelloWorld } from '../helpers/hello-world.js';
import { docker } from '../helpers/lab.js';

// The operation core as operators meet it: plans that never show secret material, --prune,
// undeploy that really waits, Ctrl-C and a lost lock mid-deploy, and a history of every change.

const CONFIG_TEXT = 'listen 8080; # config-payload-7f3a\n';
const V1 = '1.0.0+1';
const V2 = '1.1.0+1';
const SLOW = '1.2.0+1';
const OUTSIDE = '1.3.0+1';

// v1: the app plus a worker, a file-backed config and a named volume. v2 drops the worker.
const withWorker = (c: string) =>
  c
    .replace(
      'networks:\n  proxy:\n    external: true',
      'networks:\n  proxy:\n    external: true\n\nconfigs:\n  site:\n    name: ${STACK_NAME}_site_v1\n    file: ./site.conf\n\nvolumes:\n  data:',
    )
    .replace(
      '    secrets:\n      - api_key\n',
      '    secrets:\n      - api_key\n    configs:\n      - source: site\n        target: /etc/site.conf\n    volumes:\n      - data:/data\n',
    )
    .replace(
      'services:\n',
      'services:\n  worker:\n    image: abra-example/hello:1\n    command: ["sh", "-c", "exec sleep 3600"]\n    stop_grace_period: 1s\n',
    );
const withoutWorker = (c: string) => withWorker(c).replace(/ {2}worker:\n(?: {4}.*\n)+/, '');

let world: HelloWorld;

before(() => {
  world = new HelloWorld([
    { tag: V1, edit: withWorker, files: { 'site.conf': CONFIG_TEXT } },
    { tag: V2, edit: withoutWorker, files: { 'site.conf': CONFIG_TEXT } },
    // A release whose app never becomes healthy within its minute: time to interrupt it.
    {
      tag: SLOW,
      edit: (c) => withoutWorker(c).replace('grep -q hello', 'grep -q never-there'),
      files: { 'site.conf': CONFIG_TEXT },
    },
    // A recipe that tries to upload a file of the operator's machine.
    { tag: OUTSIDE, edit: (c) => withoutWorker(c).replace('file: ./site.conf', 'file: /etc/hostname') },
  ]);
});

after(() => world.cleanup());

const services = (app: string) =>
  world.objects(app).services.map((s) => s.slice(world.stack(app).length + 1));

async function history(
  app: string,
): Promise<{ command: string[]; result: string; message?: string; operator: string }[]> {
  const res = await world.run('app', 'history', app, '-m');
  assert.equal(res.code, 0, res.stderr);
  return JSON.parse(res.stdout).entries;
}

async function until(cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('operation core on the lab swarm', () => {
  let app: string;

  before(async () => {
    app = world.app('core', { HOST_PORT: String(await freePort()) });
    assert.equal((await world.run('app', 'secret', 'generate', app, '--all', '-n')).code, 0);
  });

  it('deploy --machine shows the plan by name only: no config or secret content anywhere in the output', async () => {
    const res = await world.run('app', 'deploy', app, V1, '-n', '--no-domain-checks', '-m');
    assert.equal(res.code, 0, res.stderr);
    const out = res.stdout + res.stderr;
    assert.doesNotMatch(out, /config-payload-7f3a/);
    assert.ok(!out.includes(Buffer.from(CONFIG_TEXT).toString('base64')), 'no base64 of the config either');
    const result = JSON.parse(res.stdout);
    assert.deepEqual(result.plan.configs, [`${world.stack(app)}_site_v1`]);
    // Progress went to stderr as JSON lines, one event per line.
    const events = res.stderr
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { event: string });
    assert.ok(events.some((e) => e.event === 'plan'));
    assert.ok(events.some((e) => e.event === 'converged'));
    assert.deepEqual(services(app), ['app', 'worker']);
  });

  it('a config file outside the recipe is refused, naming the entry, before anything changes', async () => {
    const before = services(app);
    const res = await world.run('app', 'deploy', app, OUTSIDE, '-n', '--no-domain-checks');
    assert.equal(res.code, 1, res.stderr);
    assert.match(res.stderr, /configs\.site: file \/etc\/hostname is outside the recipe/);
    assert.deepEqual(services(app), before);
    assert.match(
      readFileSync(world.envPath(app), 'utf8'),
      new RegExp(`^TYPE=hello:${V1.replace('+', '\\+')}$`, 'm'),
    );
  });

  it('a service dropped from the recipe stays without --prune (and the plan says so), goes with it', async () => {
    const kept = await world.run('app', 'deploy', app, V2, '-n', '--no-domain-checks');
    assert.equal(kept.code, 0, kept.stderr);
    assert.match(
      kept.stderr,
      /worker is no longer in the recipe; left running \(deploy with --prune to remove it\)/,
    );
    assert.deepEqual(services(app), ['app', 'worker']);
    const pruned = await world.run(
      'app',
      'deploy',
      app,
      V2,
      '-n',
      '--no-domain-checks',
      '--force',
      '--prune',
    );
    assert.equal(pruned.code, 0, pruned.stderr);
    assert.match(pruned.stderr, /- worker \(no longer in the recipe; removed by --prune\)/);
    assert.deepEqual(services(app), ['app']);
  });

  it('Ctrl-C while a deploy converges rolls it back, exits 130 without "Error:", and is audited', async () => {
    const child = world.start('app', 'deploy', app, SLOW, '-n', '--no-domain-checks');
    await until(() => /Waiting up to/.test(child.output()), 30_000);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.once('close', (c) => r(c)));
    const out = child.output();
    assert.equal(code, 130, out);
    assert.match(out, /stopping deploy of .* after the current step/);
    assert.match(out, /Rolling back/);
    assert.doesNotMatch(out, /^Error:/m);
    assert.match(
      readFileSync(world.envPath(app), 'utf8'),
      new RegExp(`^TYPE=hello:${V2.replace('+', '\\+')}$`, 'm'),
    );
    const last = (await history(app)).at(-1);
    assert.equal(last?.result, 'rolled-back');
    assert.match(last?.message ?? '', /interrupted/);
    const label = docker([
      'service',
      'inspect',
      `${world.stack(app)}_app`,
      '--format',
      `{{index .Spec.Labels "coop-cloud.${world.stack(app)}.version"}}`,
    ]);
    assert.equal(label, V2);
  });

  it('a deploy whose lock is removed under it does not claim success: exit 1, env unchanged, audited failed', async () => {
    const child = world.start('app', 'deploy', app, V1, '-n', '--no-domain-checks', '--force');
    await until(() => /Waiting up to/.test(child.output()), 30_000);
    const unlocked = await world.run('app', 'unlock', app, '-n');
    assert.equal(unlocked.code, 0, unlocked.stderr);
    const code = await new Promise<number | null>((r) => child.once('close', (c) => r(c)));
    const out = child.output();
    assert.equal(code, 1, out);
    assert.match(out, /The lock on .* was removed while this operation held it/);
    assert.doesNotMatch(out, /^Deployed /m);
    assert.match(
      readFileSync(world.envPath(app), 'utf8'),
      new RegExp(`^TYPE=hello:${V2.replace('+', '\\+')}$`, 'm'),
    );
    const entries = await history(app);
    const deploy = entries.findLast((e) => e.command.includes('deploy'));
    assert.equal(deploy?.result, 'failed');
    assert.ok(entries.some((e) => e.command.includes('unlock') && e.result === 'ok'));
  });

  it('restart, undeploy and an immediate remove all work, and every change is in the history', async () => {
    assert.equal((await world.run('app', 'restart', app, 'app')).code, 0);
    const undeploy = await world.run('app', 'undeploy', app, '-n');
    assert.equal(undeploy.code, 0, undeploy.stderr);
    // Nothing of the stack runs any more: tasks and containers are gone, not just services.
    assert.equal(
      docker(['ps', '-aq', '--filter', `label=com.docker.stack.namespace=${world.stack(app)}`]),
      '',
    );
    const kinds = (await history(app)).map((e) => `${e.command.slice(0, 2).join(' ')} ${e.result}`);
    for (const k of [
      'app deploy ok',
      'app deploy rolled-back',
      'app deploy failed',
      'app unlock ok',
      'app restart ok',
      'app undeploy ok',
    ])
      assert.ok(kinds.includes(k), `history lacks "${k}": ${kinds.join(', ')}`);
    assert.ok(
      kinds.some((k) => k.startsWith('app secret')),
      'secret generate is audited',
    );
    // Straight after: the volume is no longer in use.
    const remove = await world.run('app', 'remove', app, '-n');
    assert.equal(remove.code, 0, remove.stderr);
    assert.deepEqual(world.objects(app), { services: [], networks: [], secrets: [], volumes: [] });
    const local = readFileSync(join(world.abraDir, 'audit.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(local.at(-1).command[1], 'remove');
    assert.equal(local.at(-1).result, 'ok');
  });
});
