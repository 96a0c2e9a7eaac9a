import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { reportError } from '../../src/cli/errors.js';
import { EngineError, isUserError } from '../../src/errors.js';
import { DockerApiError, DockerClient } from '../../src/infra/docker/client.js';
import { localTransport } from '../../src/infra/docker/transport.js';
import { probeServer } from '../../src/services/server/probe.js';

// A fake engine on a unix socket: /version fails with 500, /conflict with swarm's version
// conflict (also a 500), /bad is refused as a bad request, /drop closes the connection
// without answering and /hang never answers.
const dir = mkdtempSync(join(tmpdir(), 'abra-engine-errors-'));
const socket = join(dir, 'docker.sock');
let server: Server;

before(async () => {
  server = createServer((req, res) => {
    const url = req.url ?? '';
    res.setHeader('Content-Type', 'application/json');
    if (url.endsWith('/drop')) return req.socket.destroy();
    if (url.endsWith('/hang')) return;
    if (url.endsWith('/bad')) {
      res.statusCode = 400;
      return res.end(JSON.stringify({ message: 'invalid mount config' }));
    }
    res.statusCode = 500;
    const message = url.endsWith('/conflict')
      ? 'rpc error: code = Unknown desc = update out of sequence'
      : 'rpc error: code = Unknown desc = raft: stopped';
    res.end(JSON.stringify({ message }));
  });
  await new Promise<void>((r) => server.listen(socket, r));
});

after(() => {
  server.closeAllConnections();
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

function client(): DockerClient {
  return new DockerClient('srv1', localTransport({ DOCKER_HOST: `unix://${socket}` }));
}

function report(err: unknown): { code: number; text: string } {
  let text = '';
  const code = reportError(err, false, (s) => {
    text += s;
  });
  return { code, text };
}

async function failure(run: (c: DockerClient) => Promise<unknown>): Promise<unknown> {
  const c = client();
  try {
    await run(c);
  } catch (err) {
    return err;
  } finally {
    c.close();
  }
  assert.fail('the call should have failed');
}

describe('engine failures are neither user errors nor bugs', () => {
  it('a 500 is an EngineError naming server, operation and status, with what to check; exit 3', async () => {
    const err = await failure((c) => c.version());
    assert.ok(err instanceof EngineError, String(err));
    assert.equal(isUserError(err), false);
    assert.equal(err.server, 'srv1');
    assert.equal(err.status, 500);
    assert.equal(err.operation, 'GET /version');
    const { code, text } = report(err);
    assert.equal(code, 3);
    assert.equal(
      text,
      'Error: The Docker engine on srv1 answered 500 to GET /version: rpc error: code = Unknown desc = raft: stopped\n' +
        '  where: server srv1\n' +
        '  fix:   Check the engine on the server (`docker info`, `journalctl -u docker`), then retry.\n',
    );
  });

  it('a dropped connection is an EngineError saying the engine could not be reached; exit 3', async () => {
    const err = await failure((c) => c.request('GET', '/drop'));
    assert.ok(err instanceof EngineError, String(err));
    assert.equal(err.code, 'docker_transport_failed');
    const { code, text } = report(err);
    assert.equal(code, 3);
    assert.match(
      text,
      /^Error: Could not reach the Docker engine on srv1: the connection broke during GET \/drop: /,
    );
    assert.match(text, /fix: {3}Check that the server is up \(`abra server ls`\)/);
    assert.doesNotMatch(text, /bug/);
  });

  it('no answer within the timeout is an EngineError', async () => {
    const err = await failure((c) => c.request('GET', '/hang', { timeoutMs: 100 }));
    assert.ok(err instanceof EngineError, String(err));
    assert.equal(err.code, 'docker_timeout');
    assert.equal(report(err).code, 3);
  });

  it('a 4xx stays a refusal the user acts on (exit 1), and so does swarm’s version conflict', async () => {
    const bad = await failure((c) => c.request('GET', '/bad'));
    assert.ok(bad instanceof DockerApiError && bad.status === 400);
    assert.equal(report(bad).code, 1);
    const conflict = await failure((c) => c.request('POST', '/conflict'));
    assert.ok(conflict instanceof DockerApiError && conflict.status === 500, String(conflict));
  });

  it('`server ls` shows a failing engine as a status, not a crash', async () => {
    const c = client();
    try {
      const status = await probeServer(c);
      assert.equal(status.reachable, false);
      assert.equal(status.error?.code, 'docker_api_500');
    } finally {
      c.close();
    }
  });
});
