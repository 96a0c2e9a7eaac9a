import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EngineError } from '../../src/errors.js';
import { DockerClient } from '../../src/infra/docker/client.js';
import { localTransport } from '../../src/infra/docker/transport.js';
import { type FakeEngine, startFakeEngine } from '../helpers/fake-engine.js';

// dockerd answers 500 "a disk usage operation is already running" to a second concurrent
// /system/df (seen when two server names reach one engine in `server status`).
describe('GET /system/df while another caller computes it', () => {
  let engine: FakeEngine;
  before(async () => {
    engine = await startFakeEngine();
  });
  after(() => engine.close());
  const client = () => new DockerClient('srv1', localTransport(engine.env));
  const busyFor = (times: number) => {
    let left = times;
    engine.route = (req) => {
      if (req.path !== '/system/df') return undefined;
      if (left-- > 0) return { status: 500, value: { message: 'a disk usage operation is already running' } };
      return {
        status: 200,
        value: { LayersSize: 7, Images: [], Containers: [], Volumes: [], BuildCache: [] },
      };
    };
  };

  it('waits and retries, then answers', async () => {
    busyFor(3);
    const before = engine.requests.length;
    const df = await client().systemDf();
    assert.equal(df.LayersSize, 7);
    assert.equal(engine.requests.slice(before).filter((r) => r.includes('/system/df')).length, 4);
  });

  it('volumeUsage retries the same way', async () => {
    busyFor(2);
    assert.deepEqual(await client().volumeUsage(), []);
  });

  it('gives up with the engine error when the engine stays busy', async () => {
    busyFor(1000);
    await assert.rejects(client().systemDf(), (err) => err instanceof EngineError && err.status === 500);
  });

  it('any other 500 is not retried', async () => {
    engine.route = (req) =>
      req.path === '/system/df' ? { status: 500, value: { message: 'raft: stopped' } } : undefined;
    const before = engine.requests.length;
    await assert.rejects(client().systemDf(), (err) => err instanceof EngineError);
    assert.equal(engine.requests.slice(before).filter((r) => r.includes('/system/df')).length, 1);
  });
});
