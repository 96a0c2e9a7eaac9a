import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DockerApiError, DockerClient, tooOldMinimum } from '../../src/infra/docker/client.js';
import { localTransport } from '../../src/infra/docker/transport.js';

// A fake engine like Docker 29: it refuses API versions below 1.44 with the real message.
const dir = mkdtempSync(join(tmpdir(), 'abra-fake-engine-'));
const socket = join(dir, 'docker.sock');
const seen: string[] = [];
let server: Server;

before(async () => {
  server = createServer((req, res) => {
    seen.push(req.url ?? '');
    const version = /^\/v(\d+\.\d+)\//.exec(req.url ?? '')?.[1] ?? '0';
    res.setHeader('Content-Type', 'application/json');
    if ((req.url ?? '').includes('/bad')) {
      res.statusCode = 400;
      res.end(JSON.stringify({ message: 'invalid filter' }));
      return;
    }
    if (Number(version.split('.')[1]) < 44) {
      res.statusCode = 400;
      res.end(
        JSON.stringify({
          message: `client version ${version} is too old. Minimum supported API version is 1.44, please upgrade your client to a newer version`,
        }),
      );
      return;
    }
    res.end(JSON.stringify({ Version: '29.0.0', ApiVersion: '1.52', Os: 'linux', Arch: 'amd64' }));
  });
  await new Promise<void>((r) => server.listen(socket, r));
});

after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Engine API version negotiation', () => {
  it('moves up to the minimum a newer engine demands, once, and keeps it', async () => {
    const client = new DockerClient('new-engine', localTransport({ DOCKER_HOST: `unix://${socket}` }));
    try {
      const v = await client.version();
      assert.equal(v.Version, '29.0.0');
      assert.equal(client.negotiatedVersion, '1.44');
      await client.version();
      assert.deepEqual(seen, ['/v1.41/version', '/v1.44/version', '/v1.44/version']);
    } finally {
      client.close();
    }
  });

  it('reads the minimum from the engine message and nothing else', () => {
    assert.equal(
      tooOldMinimum('client version 1.41 is too old. Minimum supported API version is 1.44, please upgrade'),
      '1.44',
    );
    assert.equal(tooOldMinimum('No such service: x'), undefined);
  });

  it('other 400 errors are not retried', async () => {
    const client = new DockerClient('x', localTransport({ DOCKER_HOST: `unix://${socket}` }));
    seen.length = 0;
    await assert.rejects(client.request('GET', '/bad'), (err: unknown) => {
      assert.ok(err instanceof DockerApiError);
      assert.match(err.message, /invalid filter/);
      return true;
    });
    assert.deepEqual(seen, ['/v1.41/bad']);
    client.close();
  });
});
