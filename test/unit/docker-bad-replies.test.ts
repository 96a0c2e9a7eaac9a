// A fake engine that answers with what a broken proxy, a web server or a hostile host would:
// every reply abra cannot read must become one clear RemoteError, never a crash.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EngineError, RemoteError } from '../../src/errors.js';
import { DockerClient, MAX_REPLY_BYTES } from '../../src/infra/docker/client.js';
import { localTransport } from '../../src/infra/docker/transport.js';

interface Reply {
  status?: number;
  type: string;
  body: string | Buffer;
}

const dir = mkdtempSync(join(tmpdir(), 'abra-bad-engine-'));
const socket = join(dir, 'docker.sock');
let reply: Reply = { type: 'application/json', body: '{}' };
let server: Server;

before(async () => {
  server = createServer((_req, res) => {
    res.statusCode = reply.status ?? 200;
    res.setHeader('Content-Type', reply.type);
    res.end(reply.body);
  });
  await new Promise<void>((r) => server.listen(socket, r));
});

after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

function client(): DockerClient {
  return new DockerClient('fake', localTransport({ DOCKER_HOST: `unix://${socket}` }));
}

const HTML = '<html>\n<head><title>502 Bad Gateway</title></head>\n<body>nginx</body>\n</html>\n';

const CASES: { name: string; reply: Reply; call: (c: DockerClient) => Promise<unknown>; message: RegExp }[] =
  [
    {
      name: 'garbage JSON',
      reply: { type: 'application/json', body: '{"Version": 29,,}' },
      call: (c) => c.version(),
      message: /unreadable reply to GET \/version: not JSON/,
    },
    {
      name: 'truncated JSON',
      reply: { type: 'application/json', body: '[{"ID":"abc","Spec":{"Name":"x"' },
      call: (c) => c.services(),
      message: /unreadable reply to GET \/services: not JSON/,
    },
    {
      name: 'an HTML page with 200',
      reply: { type: 'text/html', body: HTML },
      call: (c) => c.tasks(),
      message: /not JSON \(text\/html\): "<html> <head>/,
    },
    {
      name: 'an object where a list belongs',
      reply: { type: 'application/json', body: '{"message":"hi"}' },
      call: (c) => c.networks(),
      message: /expected a list/,
    },
    {
      name: 'a list where an object belongs',
      reply: { type: 'application/json', body: '[1,2]' },
      call: (c) => c.info(),
      message: /expected an object/,
    },
    {
      name: 'a JSON string where an object belongs',
      reply: { type: 'application/json', body: '"\\u001b[2J"' },
      call: (c) => c.version(),
      message: /expected an object/,
    },
    {
      name: 'an HTML error page',
      reply: { status: 502, type: 'text/html', body: HTML },
      call: (c) => c.version(),
      message:
        /^The Docker engine on fake answered 502 to GET \/version: <html> <head><title>502 Bad Gateway/,
    },
    {
      name: 'a huge reply',
      reply: { type: 'application/json', body: Buffer.alloc(MAX_REPLY_BYTES + 1024, 0x20) },
      call: (c) => c.services(),
      message: /a reply larger than 64 MiB/,
    },
  ];

describe('Engine replies abra cannot read', () => {
  for (const c of CASES) {
    it(`${c.name} is a clear RemoteError (or an EngineError for a 5xx)`, async () => {
      reply = c.reply;
      const docker = client();
      try {
        await assert.rejects(c.call(docker), (err: unknown) => {
          assert.ok(
            err instanceof RemoteError || err instanceof EngineError,
            `not a RemoteError: ${String(err)}`,
          );
          assert.match(err.message, c.message);
          assert.ok(!err.message.includes('\n'), 'one line');
          assert.ok(err.message.length < 400, 'short');
          return true;
        });
      } finally {
        docker.close();
      }
    });
  }

  it('a malformed event line ends the stream with a clear error', async () => {
    reply = { type: 'application/json', body: '{"Type":"service","Action":"update"}\n{not json\n' };
    const docker = client();
    try {
      const seen: unknown[] = [];
      await assert.rejects(
        (async () => {
          for await (const e of docker.events()) seen.push(e);
        })(),
        (err: unknown) => err instanceof RemoteError && /event that is not JSON/.test(err.message),
      );
      assert.equal(seen.length, 1, 'the good event before it still arrives');
    } finally {
      docker.close();
    }
  });

  it('a well-formed reply still reads', async () => {
    reply = { type: 'application/json', body: '{"Version":"28.0.0","ApiVersion":"1.47"}' };
    const docker = client();
    try {
      assert.equal((await docker.version()).Version, '28.0.0');
    } finally {
      docker.close();
    }
  });
});
