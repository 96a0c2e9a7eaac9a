import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DockerConnector } from '../../src/infra/docker/connector.js';
import { abra } from '../helpers/cli.js';
import { hostBlock, type Lab, loadLab, makeOperator, type Operator } from '../helpers/lab.js';

let lab: Lab;
let op: Operator;
let env: NodeJS.ProcessEnv;

before(() => {
  lab = loadLab();
  op = makeOperator(lab);
  // In-process tests cannot move os.homedir(), so this config uses absolute paths.
  op.writeSshConfig(
    hostBlock('lab', lab, {
      IdentityFile: join(op.sshDir, 'id_ed25519'),
      UserKnownHostsFile: join(op.sshDir, 'known_hosts'),
    }),
  );
  env = { ...op.env, ABRA_SSH_CONFIG: join(op.sshDir, 'config') };
});

after(() => op.cleanup());

describe('the SSH connection pool', () => {
  it('serves many sequential and concurrent Engine API calls over exactly one SSH connection', async () => {
    const connector = new DockerConnector({ env, debug: () => undefined });
    try {
      const docker = connector.client('lab');
      for (let i = 0; i < 20; i++) await docker.ping();
      const results = await Promise.all(Array.from({ length: 24 }, () => docker.info()));
      assert.ok(results.every((r) => r.Swarm.LocalNodeState === 'active'));
      const stats = await connector.sshStats();
      assert.equal(stats.connectionsOpened, 1, 'one SSH connection for the whole run');
      assert.ok(stats.channelsOpened >= 2, 'concurrent requests were multiplexed on several channels');
      assert.ok(stats.channelsOpened <= 16, `keep-alive reuses channels (opened ${stats.channelsOpened})`);
      assert.equal(docker.calls, 44);
    } finally {
      await connector.close();
    }
  });

  it('reconnects once after the connection drops', async () => {
    const connector = new DockerConnector({ env, debug: () => undefined });
    try {
      const docker = connector.client('lab');
      await docker.ping();
      const pool = await connector.sshPool();
      await (await pool.session('lab')).close();
      // The dropped connection's idle keep-alive channels are dead; a request on one fails
      // fast and the next opens a fresh connection.
      let ok = false;
      for (let i = 0; i < 3 && !ok; i++) {
        ok = await docker.ping().then(
          () => true,
          () => false,
        );
      }
      assert.ok(ok, 'a call after the drop succeeds');
      assert.equal((await connector.sshStats()).connectionsOpened, 2);
    } finally {
      await connector.close();
    }
  });

  it('authenticates with ssh-agent when no key file is configured', async () => {
    const sock = join(op.home, 'agent.sock');
    const agent = spawnSync('ssh-agent', ['-a', sock], { encoding: 'utf8' });
    assert.equal(agent.status, 0, agent.stderr);
    const pid = /SSH_AGENT_PID=(\d+)/.exec(agent.stdout)?.[1];
    try {
      execFileSync('ssh-add', ['-q', join(op.sshDir, 'id_ed25519')], {
        env: { ...process.env, SSH_AUTH_SOCK: sock },
      });
      const agentEnv = { ...op.env, SSH_AUTH_SOCK: sock };
      op.writeSshConfig(
        hostBlock('lab-agent', lab, { IdentityFile: '~/.ssh/no_such_key', IdentitiesOnly: 'no' }),
      );
      const res = await abra(['server', 'add', 'lab-agent'], agentEnv);
      assert.equal(res.code, 0, res.stderr);
      const without = await abra(['server', 'add', 'lab-agent'], op.env);
      assert.equal(without.code, 1, 'the same config without the agent cannot log in');
      assert.match(without.stderr, /authentication failed/);
    } finally {
      if (pid) process.kill(Number(pid));
    }
  });
});
