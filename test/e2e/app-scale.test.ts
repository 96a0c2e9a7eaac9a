import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freePort, HelloWorld } from '../helpers/hello-world.js';
import { docker } from '../helpers/lab.js';

// The lab is one node: the example app publishes a host-mode port, so a second replica can never
// be placed there, which is exactly a placement nobody can satisfy.
let world: HelloWorld;
let app: string;

before(async () => {
  world = new HelloWorld([{ tag: '1.0.0+1' }]);
  app = world.app('scale', { HOST_PORT: String(await freePort()) });
  assert.equal((await world.run('app', 'secret', 'generate', app, '--all', '-n')).code, 0);
  const res = await world.run('app', 'deploy', app, '-n', '--no-domain-checks');
  assert.equal(res.code, 0, res.stderr);
});
after(() => world.cleanup());

const replicas = () =>
  docker(['service', 'inspect', `${world.stack(app)}_app`, '--format', '{{.Spec.Mode.Replicated.Replicas}}']);

describe('app scale on the lab swarm', () => {
  it('scales to 0 and back to 1, waiting for the task, audited', async () => {
    const down = await world.run('app', 'scale', app, 'app=0', '-m');
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(JSON.parse(down.stdout).services, [{ service: 'app', from: 1, to: 0 }]);
    assert.equal(replicas(), '0');
    const up = await world.run('app', 'scale', app, 'app=1');
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /Scaled .*: app 0 -> 1\./);
    assert.equal(replicas(), '1');
    const history = JSON.parse((await world.run('app', 'history', app, '-m')).stdout).entries as {
      command: string[];
      result: string;
    }[];
    assert.deepEqual(
      history.filter((e) => e.command[1] === 'scale').map((e) => e.result),
      ['ok', 'ok'],
    );
  });

  it('a replica no node can take: a clear error naming why, the previous count put back', async () => {
    const res = await world.run('app', 'scale', app, 'app=2', '--timeout', '8');
    assert.equal(res.code, 1, res.stderr);
    assert.match(res.stderr, /did not converge, so the previous replica counts were put back/);
    assert.match(res.stderr, /no suitable node|port/);
    assert.equal(replicas(), '1');
  });

  it('refuses an unknown service and a bad count, changing nothing', async () => {
    const unknown = await world.run('app', 'scale', app, 'nope=1');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No service "nope"/);
    const bad = await world.run('app', 'scale', app, 'app=-1');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /is not <service>=<replicas>/);
    assert.equal(replicas(), '1');
  });
});
