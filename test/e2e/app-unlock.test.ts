import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { after, describe, it } from 'node:test';
import { DockerConnector } from '../../src/infra/docker/connector.js';
import { acquireAppLock } from '../../src/services/lock/app-lock.js';
import { HelloWorld } from '../helpers/hello-world.js';

const world = new HelloWorld([{ tag: '1.0.0+1' }]);
after(() => world.cleanup());

describe('abra app unlock', () => {
  it('removes a lock another operator left behind, and a deploy is refused while it exists', async () => {
    const app = world.app('locked');
    assert.equal((await world.run('app', 'secret', 'generate', app, '--all', '-n')).code, 0);
    const docker = new DockerConnector({ debug: () => undefined });
    // Another operator, on another machine, holds the lock (never refreshed, never released).
    const lock = await acquireAppLock(
      { server: 'default', app, command: ['app', 'deploy', app], keepAliveMs: false },
      {
        docker,
        events: () => undefined,
        machineId: async () => 'another-machine',
        env: { USER: 'someone-else' },
        signals: new EventEmitter() as never,
      },
    );
    try {
      const refused = await world.run('app', 'deploy', app, '-n', '--no-domain-checks');
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /someone-else@/);
      const res = await world.run('app', 'unlock', app, '-n');
      assert.equal(res.code, 0, res.stderr);
      assert.match(res.stdout, /Removed the lock of someone-else@\S+ \(app deploy locked-/);
      const again = await world.run('app', 'unlock', app, '-n');
      assert.match(again.stdout, /is not locked/);
      const history = await world.run('app', 'history', app, '--machine');
      assert.match(history.stdout, /removed lock of someone-else/);
    } finally {
      await lock.release();
      await docker.close();
    }
  });
});
