import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GATEWAY_LABEL } from '../../src/domain/stack/contract.js';
import { DockerConnector } from '../../src/infra/docker/connector.js';
import { docker, hostBlock, type Lab, loadLab, makeOperator, type Operator } from '../helpers/lab.js';

// The gateway is what reaches a worker's engine; on the one-node lab it is opened to the
// manager itself, which exercises every part (overlay, relay socket, streamlocal, identity
// check, clean-up). The 3-node e2e (multinode.test.ts) uses it for real workers.
let lab: Lab;
let op: Operator;
let env: NodeJS.ProcessEnv;

before(() => {
  lab = loadLab();
  op = makeOperator(lab);
  op.writeSshConfig(
    hostBlock('lab', lab, {
      IdentityFile: join(op.sshDir, 'id_ed25519'),
      UserKnownHostsFile: join(op.sshDir, 'known_hosts'),
    }),
  );
  env = { ...op.env, ABRA_SSH_CONFIG: join(op.sshDir, 'config'), ABRA_HELPER_IMAGE: lab.images.socat };
});

after(() => op.cleanup());

function gatewayServices(id?: string): string[] {
  const out = docker(['service', 'ls', '--filter', `label=${GATEWAY_LABEL}${id ? `=${id}` : ''}`, '-q']);
  return out ? out.split('\n') : [];
}

async function until(what: string, f: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('node gateway', () => {
  it('reaches a node engine through the manager over ssh, proves which node, and leaves nothing', async () => {
    const connector = new DockerConnector({ env, debug: () => undefined });
    let gatewayId = '';
    try {
      const manager = connector.client('lab');
      const nodeId = await manager.nodeId();
      const before = new Set(gatewayServices());
      const node = await connector.nodeClient('lab', nodeId);
      assert.notEqual(node, manager, 'a separate client through the gateway');
      assert.match(node.endpoint, /^ssh:\/\/lab\/run\/abra-gw-[0-9a-f]+\.sock$/);
      gatewayId = node.endpoint.replace(/^.*abra-gw-([0-9a-f]+)\.sock$/, '$1');
      assert.equal((await node.info()).Swarm.NodeID, nodeId);
      // The same gateway for the rest of the run.
      assert.equal(await connector.nodeClient('lab', nodeId), node);
      const mine = gatewayServices(gatewayId);
      assert.equal(mine.length, 2, 'a relay and a node task');
      assert.ok(mine.every((s) => !before.has(s)));
      // Containers are reachable through it (what exec and cp need).
      const containers = await node.containers({ label: [`${GATEWAY_LABEL}=${gatewayId}`] });
      assert.equal(containers.length, 2);
      assert.ok(existsSync(`/run/abra-gw-${gatewayId}.sock`), 'the relay socket is in the manager /run');
      const stats = await connector.sshStats();
      assert.equal(stats.connectionsOpened, 1, 'the gateway rides the same ssh connection');
    } finally {
      await connector.close();
    }
    assert.deepEqual(gatewayServices(gatewayId), [], 'services removed on close');
    await until('the gateway containers, network and socket to go', () => {
      const net = docker(['network', 'ls', '-q', '--filter', `label=${GATEWAY_LABEL}=${gatewayId}`]);
      const ctr = docker(['ps', '-aq', '--filter', `label=${GATEWAY_LABEL}=${gatewayId}`]);
      return !net && !ctr && !existsSync(`/run/abra-gw-${gatewayId}.sock`);
    });
  });

  it('fails clearly when the helper image is missing, and removes what it made', async () => {
    const connector = new DockerConnector({
      env: { ...env, ABRA_HELPER_IMAGE: 'abra-lab/no-such-helper:0' },
      debug: () => undefined,
    });
    const before = new Set(gatewayServices());
    try {
      const manager = connector.client('lab');
      await assert.rejects(
        connector.nodeClient('lab', await manager.nodeId()),
        (err: Error & { code?: string; hint?: string }) => {
          assert.equal(err.code, 'gateway_task_failed', err.message);
          assert.match(err.message, /no-such-helper|No such image|rejected/i);
          assert.match(err.hint ?? '', /ABRA_HELPER_IMAGE/);
          return true;
        },
      );
    } finally {
      await connector.close();
    }
    assert.deepEqual(
      gatewayServices().filter((s) => !before.has(s)),
      [],
      'no gateway service left behind',
    );
  });
});
