import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { abra, snapshotTree } from '../helpers/cli.js';
import { hostBlock, type Lab, loadLab, makeOperator, type Operator } from '../helpers/lab.js';

let lab: Lab;
let op: Operator;

before(() => {
  lab = loadLab();
  op = makeOperator(lab);
  op.writeSshConfig(
    hostBlock('lab', lab) +
      hostBlock('lab-refused', lab, { Port: 1 }) +
      hostBlock('lab-nohost', lab, { HostName: 'no-such-host.invalid' }) +
      hostBlock('lab-wrongkey', lab, { IdentityFile: '~/.ssh/wrong_ed25519' }) +
      hostBlock('lab-noperm', lab, { User: lab.userNoPerm }) +
      hostBlock('lab-nodocker', lab, { User: lab.userNoDocker }) +
      (lab.sshNoSwarmPort ? hostBlock('lab-noswarm', lab, { Port: lab.sshNoSwarmPort }) : '') +
      hostBlock('lab-otherkh', lab, { UserKnownHostsFile: '~/.ssh/other_known_hosts' }),
  );
});

after(() => op.cleanup());

/**
 * Run a command that must fail: exit 1 (a user error; 3 when the engine cannot be reached), the
 * expected message, no stack trace, disk unchanged.
 */
async function expectUserError(
  args: string[],
  pattern: RegExp,
  env: NodeJS.ProcessEnv = op.env,
  exitCode = 1,
) {
  const beforeTree = snapshotTree(op.home);
  const res = await abra(args, env);
  assert.equal(res.code, exitCode, `exit code for ${args.join(' ')}\n${res.stdout}${res.stderr}`);
  assert.match(res.stderr, pattern);
  assert.match(res.stderr, /fix: /, 'a user error says how to fix it');
  assert.doesNotMatch(res.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace for user errors');
  assert.deepEqual(snapshotTree(op.home), beforeTree, 'a failed command changes nothing on disk');
  return res;
}

describe('abra server add over SSH (lab sshd on 127.0.0.1)', () => {
  it('adds a server by its ~/.ssh/config alias after checking Docker and Swarm', async () => {
    const res = await abra(['server', 'add', 'lab'], op.env);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /Added server lab \(ssh:\/\/lab\): Docker .*Swarm active/);
    assert.ok(snapshotTree(op.abraDir).some((p) => p.startsWith('/servers/lab ')));
    const again = await abra(['server', 'add', 'lab'], op.env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /Already added/);
  });

  it('lists servers with live Docker/Swarm status as JSON and as a table', async () => {
    const res = await abra(['server', 'ls', '--machine'], op.env);
    assert.equal(res.code, 0, res.stderr);
    const rows = JSON.parse(res.stdout) as {
      name: string;
      host: string;
      port: number;
      status: { swarm: string; reachable: boolean };
    }[];
    const row = rows.find((r) => r.name === 'lab');
    assert.ok(row);
    assert.equal(row.host, '127.0.0.1');
    assert.equal(row.port, lab.sshPort);
    assert.equal(row.status.reachable, true);
    assert.equal(row.status.swarm, 'active');
    const table = await abra(['server', 'ls'], op.env);
    assert.match(table.stdout, /^NAME\s+HOST\s+USER\s+PORT\s+APPS\s+DOCKER\s+SWARM\s+STATUS$/m);
    assert.match(table.stdout, /^lab\s+127\.0\.0\.1\s+root\s+2222\s+0\s+\S+\s+manager \(1 node\)\s+ok/m);
    const offline = await abra(['server', 'ls', '-o'], op.env);
    assert.doesNotMatch(offline.stdout, /SWARM/);
  });

  it('unknown host name', async () => {
    await expectUserError(
      ['server', 'add', 'lab-nohost'],
      /Cannot resolve host name "no-such-host\.invalid"/,
    );
  });

  it('refused connection: the engine cannot be reached (exit 3), not a user error', async () => {
    await expectUserError(
      ['server', 'add', 'lab-refused'],
      /Connection refused by 127\.0\.0\.1:1/,
      op.env,
      3,
    );
  });

  it('authentication failure names the keys it tried', async () => {
    const res = await expectUserError(
      ['server', 'add', 'lab-wrongkey'],
      /SSH authentication failed for user root/,
    );
    assert.match(res.stderr, /wrong_ed25519/);
  });

  it('unknown host key: refuses and shows the fingerprint and how to trust it', async () => {
    const res = await expectUserError(
      ['server', 'add', 'lab-otherkh'],
      /host key of 127\.0\.0\.1 is not known \(ssh-ed25519 SHA256:/,
    );
    assert.match(res.stderr, /ssh-keyscan -p 2222 127\.0\.0\.1/);
    const pub = readFileSync(lab.hostKeyPub, 'utf8').split(' ')[1] ?? '';
    const fp = execFileSync('ssh-keygen', ['-lf', lab.hostKeyPub], { encoding: 'utf8' }).split(' ')[1];
    assert.ok(pub.length > 0);
    assert.ok(res.stderr.includes(fp ?? 'missing'), 'the fingerprint printed is the real one');
  });

  it('host key mismatch is refused as a possible attack', async () => {
    const other = join(op.home, 'otherhost');
    rmSync(other, { force: true });
    rmSync(`${other}.pub`, { force: true });
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const fake = readFileSync(`${other}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
    writeFileSync(join(op.sshDir, 'other_known_hosts'), `[127.0.0.1]:${lab.sshPort} ${fake}\n`);
    try {
      await expectUserError(['server', 'add', 'lab-otherkh'], /does not match the one on record/);
    } finally {
      rmSync(join(op.sshDir, 'other_known_hosts'));
    }
  });

  it('Docker not installed for the SSH user', async () => {
    await expectUserError(['server', 'add', 'lab-nodocker'], /Docker is not installed on 127\.0\.0\.1/);
  });

  it('Docker socket permission denied', async () => {
    await expectUserError(['server', 'add', 'lab-noperm'], /may not use the Docker socket/);
  });

  it('Swarm inactive on a server reached over SSH', { skip: lab?.sshNoSwarmPort === undefined }, async () => {
    await expectUserError(
      ['server', 'add', 'lab-noswarm'],
      /Docker Swarm is not active on lab-noswarm \(state: inactive\)/,
    );
  });

  it('rejects user@host:port names with the ssh config fix', async () => {
    await expectUserError(['server', 'add', 'root@example.com'], /contains a user or a port/);
  });
});

describe('abra server add --local', () => {
  it('registers the local engine as "default"', async () => {
    const res = await abra(['server', 'add', '--local'], op.env);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /server default \(unix:\/\/\/var\/run\/docker\.sock\)/);
  });

  it('Swarm inactive on the local engine', async () => {
    const env = { ...op.env, DOCKER_HOST: `unix://${lab.noSwarmSock}` };
    rmSync(join(op.abraDir, 'servers', 'default'), { recursive: true, force: true });
    await expectUserError(['server', 'add', '--local'], /Docker Swarm is not active on default/, env);
  });

  it('Docker not installed locally (no socket)', async () => {
    const env = { ...op.env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' };
    await expectUserError(
      ['server', 'add', '--local'],
      /No Docker engine at \/nonexistent\/docker\.sock/,
      env,
    );
  });
});

describe('abra server rm', () => {
  it('refuses without a terminal unless -n or --force, then removes local config only', async () => {
    mkdirSync(join(op.abraDir, 'servers', 'gone.example'), { recursive: true });
    await expectUserError(['server', 'rm', 'gone.example'], /Needs confirmation, but there is no terminal/);
    const res = await abra(['server', 'rm', '-n', 'gone.example'], op.env);
    assert.equal(res.code, 0, res.stderr);
    assert.ok(!snapshotTree(op.abraDir).some((p) => p.includes('gone.example')));
  });

  it('keeps app env files unless --force', async () => {
    const dir = join(op.abraDir, 'servers', 'busy.example');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'app.busy.example.env'), 'TYPE=custom-html\n', { mode: 0o600 });
    await expectUserError(
      ['server', 'rm', '-n', 'busy.example'],
      /still holds 1 app config\(s\): app\.busy\.example/,
    );
    const res = await abra(['server', 'rm', '--force', 'busy.example'], op.env);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /and 1 app config/);
  });

  it('unknown server', async () => {
    await expectUserError(['server', 'rm', '-n', 'never-added'], /Unknown server "never-added"/);
  });
});
