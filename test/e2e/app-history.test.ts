import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AuditEntry } from '../../src/domain/audit/entry.js';
import { stackNameOf } from '../../src/domain/stack/contract.js';
import { DockerConnector } from '../../src/infra/docker/connector.js';
import { abraPaths } from '../../src/infra/store/paths.js';
import { type AuditDeps, recordAudit } from '../../src/services/audit/record.js';
import { systemClock } from '../../src/services/deps.js';
import { type Operation, type OperationScope, runOperation } from '../../src/services/operation/run.js';
import { abra } from '../helpers/cli.js';
import { docker, hostBlock, type Lab, loadLab, makeOperator, type Operator } from '../helpers/lab.js';

const SECRET_VALUE = `hunter2-${randomBytes(6).toString('hex')}`;

let lab: Lab;
let alice: Operator;
let bob: Operator;
let carol: Operator;
const connectors: DockerConnector[] = [];
const stacks: string[] = [];
const objects: { kind: 'config' | 'secret'; name: string }[] = [];

function newApp(kind: string): string {
  const app = `hist-${kind}-${randomBytes(4).toString('hex')}.example.org`;
  stacks.push(stackNameOf(app));
  return app;
}

/** The app's env file on one operator's machine (teams sync ~/.abra/servers with git). */
function addApp(op: Operator, server: string, app: string): void {
  mkdirSync(join(op.abraDir, 'servers', server), { recursive: true });
  writeFileSync(join(op.abraDir, 'servers', server, `${app}.env`), `TYPE=custom-html\nDOMAIN=${app}\n`, {
    mode: 0o600,
  });
}

/** In-process deps for an operator, as a command run on their machine would build them. */
function audited<T>(
  deps: AuditDeps & { warnings: string[] },
  scope: Omit<OperationScope, 'kind'> & { argv: readonly string[] },
  fn: (op: Operation) => Promise<T>,
): Promise<T> {
  return runOperation(
    { ...scope, kind: scope.argv[1] ?? 'op', lock: false, catchSignals: false },
    {
      ...deps,
      signals: process,
      machineId: async () => 'test-machine',
      clock: systemClock,
      argv: scope.argv,
    },
    fn,
  );
}

function depsOf(op: Operator, user: string): AuditDeps & { warnings: string[] } {
  const env = { ...op.env, USER: user, ABRA_SSH_CONFIG: join(op.sshDir, 'config') };
  const connector = new DockerConnector({ env, debug: () => undefined });
  connectors.push(connector);
  const warnings: string[] = [];
  return {
    paths: abraPaths(env),
    docker: connector,
    events: (e) => {
      if (e.type === 'warning') warnings.push(e.message);
    },
    env,
    warnings,
  };
}

function auditObjects(stack: string): { name: string; data: string }[] {
  const ids = docker(['config', 'ls', '-q', '--filter', `label=coop-cloud.audit.stack=${stack}`]);
  if (!ids) return [];
  return ids.split('\n').map((id) => {
    const spec = JSON.parse(docker(['config', 'inspect', '-f', '{{json .Spec}}', id])) as {
      Name: string;
      Data: string;
    };
    return { name: spec.Name, data: Buffer.from(spec.Data, 'base64').toString('utf8') };
  });
}

interface HistoryJson {
  app: string;
  server: string;
  source: 'server' | 'local';
  entries: AuditEntry[];
}

before(() => {
  lab = loadLab();
  alice = makeOperator(lab);
  bob = makeOperator(lab);
  carol = makeOperator(lab);
  for (const op of [alice, bob, carol]) {
    // Absolute paths: in-process code cannot move os.homedir(); the CLI children get HOME.
    const abs = {
      IdentityFile: join(op.sshDir, 'id_ed25519'),
      UserKnownHostsFile: join(op.sshDir, 'known_hosts'),
    };
    op.writeSshConfig(hostBlock('lab', lab, abs) + hostBlock('lab-down', lab, { ...abs, Port: 1 }));
  }
});

after(async () => {
  for (const c of connectors) await c.close();
  for (const stack of stacks) {
    const ids = docker(['config', 'ls', '-q', '--filter', `label=coop-cloud.audit.stack=${stack}`]);
    if (ids) docker(['config', 'rm', ...ids.split('\n')]);
  }
  for (const o of objects) {
    try {
      docker([o.kind, 'rm', o.name]);
    } catch {
      // already removed by the test
    }
  }
  for (const op of [alice, bob, carol]) op.cleanup();
});

describe('audit log: written by one operator, read by another from the server', () => {
  const app = newApp('shared');
  const stack = stackNameOf(app);

  before(async () => {
    addApp(alice, 'lab', app);
    addApp(bob, 'lab', app);
    // carol reaches the same engine through the local socket, under another server name.
    addApp(carol, 'default', app);
    const deps = depsOf(alice, 'alice');
    // Fake mutating operations, through the wrapper real commands use (without the lock: the
    // audit log is what is under test).
    await audited(
      deps,
      { app, server: 'lab', argv: ['app', 'deploy', app], version: { from: '1.0.0+1' } },
      async (op) => {
        const name = `${stack}_fake_v1`;
        objects.push({ kind: 'config', name });
        docker(['config', 'create', '--label', `com.docker.stack.namespace=${stack}`, name, '/etc/hostname']);
        op.note.version.to = '1.1.0+1';
      },
    );
    const argv = ['app', 'secret', 'insert', app, 'db_password', 'v1', SECRET_VALUE];
    await audited(deps, { app, server: 'lab', argv }, async () => {
      const name = `${stack}_db_password_v1`;
      objects.push({ kind: 'secret', name });
      const client = deps.docker.client('lab');
      await client.createSecret({
        Name: name,
        Labels: { 'com.docker.stack.namespace': stack },
        Data: Buffer.from(SECRET_VALUE).toString('base64'),
      });
    });
    await assert.rejects(
      audited(deps, { app, server: 'lab', argv: ['app', 'upgrade', app] }, async () => {
        throw new Error('image pull failed: manifest unknown');
      }),
      /image pull failed/,
    );
    await assert.rejects(
      audited(deps, { app, server: 'lab', argv: ['app', 'upgrade', app] }, async (op) => {
        op.note.version = { from: '1.1.0+1', to: '1.2.0+1' };
        op.note.result = 'rolled-back';
        throw new Error('app_web did not converge');
      }),
    );
    assert.deepEqual(deps.warnings, []);
  });

  it('another operator (own ABRA_DIR, over SSH) sees every entry, oldest first, secrets redacted', async () => {
    const res = await abra(['app', 'history', app, '--machine'], bob.env);
    assert.equal(res.code, 0, res.stderr);
    assert.ok(!res.stdout.includes(SECRET_VALUE));
    const json = JSON.parse(res.stdout) as HistoryJson;
    assert.equal(json.source, 'server');
    assert.equal(json.server, 'lab');
    const me = `alice@${hostname()}`;
    assert.deepEqual(
      json.entries.map((e) => [e.operator, e.command.join(' '), e.result, e.version, e.message, e.server]),
      [
        [me, `app deploy ${app}`, 'ok', { from: '1.0.0+1', to: '1.1.0+1' }, undefined, 'lab'],
        [me, `app secret insert ${app} db_password v1 <redacted>`, 'ok', undefined, undefined, 'lab'],
        [me, `app upgrade ${app}`, 'failed', undefined, 'image pull failed: manifest unknown', 'lab'],
        [
          me,
          `app upgrade ${app}`,
          'rolled-back',
          { from: '1.1.0+1', to: '1.2.0+1' },
          'app_web did not converge',
          'lab',
        ],
      ],
    );
    for (const e of json.entries) {
      assert.ok(e.durationMs >= 0 && e.durationMs < 60_000);
      assert.ok(Date.now() - Date.parse(e.time) < 600_000);
    }
  });

  it('prints a table, newest last, and --limit keeps the newest N', async () => {
    const res = await abra(['app', 'history', app], bob.env);
    assert.equal(res.code, 0, res.stderr);
    const lines = res.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^TIME\s+OPERATOR\s+COMMAND\s+VERSION\s+RESULT\s+DURATION\s+MESSAGE$/);
    assert.equal(lines.length, 5);
    assert.match(lines[1] ?? '', /alice@\S+\s+app deploy \S+\s+1\.0\.0\+1 -> 1\.1\.0\+1\s+ok\s+\d/);
    assert.match(lines[4] ?? '', /rolled-back\s+\S+\s+app_web did not converge$/);
    const limited = await abra(['app', 'history', app, '--limit', '2', '-m'], bob.env);
    const json = JSON.parse(limited.stdout) as HistoryJson;
    assert.deepEqual(
      json.entries.map((e) => e.result),
      ['failed', 'rolled-back'],
    );
    const bad = await abra(['app', 'history', app, '--limit', '0'], bob.env);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /expected a positive whole number/);
  });

  it('an operator on the local socket (another server name, same engine) sees the same history', async () => {
    const res = await abra(['app', 'history', app, '-m'], carol.env);
    assert.equal(res.code, 0, res.stderr);
    assert.equal((JSON.parse(res.stdout) as HistoryJson).entries.length, 4);
  });

  it('offline reads only the local log: empty for bob, complete (and owner-only) for alice', async () => {
    const b = await abra(['-o', 'app', 'history', app], bob.env);
    assert.equal(b.code, 0, b.stderr);
    assert.match(b.stdout, /No recorded operations on \S+ \(server lab\) yet/);
    const a = await abra(['app', 'history', app, '-m', '--offline'], alice.env);
    assert.equal(a.code, 0, a.stderr);
    const json = JSON.parse(a.stdout) as HistoryJson;
    assert.equal(json.source, 'local');
    assert.equal(json.entries.length, 4);
    const log = join(alice.abraDir, 'audit.log');
    assert.equal(statSync(log).mode & 0o777, 0o600);
    assert.equal(readFileSync(log, 'utf8').trimEnd().split('\n').length, 4);
  });

  it('no secret value is stored anywhere: server objects, local log', () => {
    const stored = auditObjects(stack);
    assert.equal(stored.length, 4);
    for (const o of stored) {
      assert.match(o.name, /^abra-audit_/);
      assert.ok(!o.data.includes(SECRET_VALUE), o.data);
    }
    assert.ok(!readFileSync(join(alice.abraDir, 'audit.log'), 'utf8').includes(SECRET_VALUE));
  });
});

describe('audit log: retention and failures', () => {
  it('keeps the newest N per app on the server and touches nothing it does not own', async () => {
    const app = newApp('keep');
    const stack = stackNameOf(app);
    const other = newApp('other');
    const deps = depsOf(alice, 'alice');
    const foreign = `abra-audit_${stack}_not_ours`;
    objects.push({ kind: 'config', name: foreign });
    docker(['config', 'create', foreign, '/etc/hostname']);
    await recordAudit(deps, { app: other, server: 'lab', argv: ['app', 'deploy', other], result: 'ok' });
    for (let i = 0; i < 5; i++)
      await recordAudit(deps, {
        app,
        server: 'lab',
        argv: ['app', 'restart', app, `n${i}`],
        result: 'ok',
        startedAt: new Date(Date.now() - (5 - i) * 1000),
        keep: 3,
      });
    const kept = auditObjects(stack).map((o) => (JSON.parse(o.data) as AuditEntry).command.at(-1));
    assert.deepEqual(kept.sort(), ['n2', 'n3', 'n4']);
    assert.equal(auditObjects(stackNameOf(other)).length, 1, "another app's entries stay");
    assert.equal(
      docker(['config', 'inspect', '-f', '{{.Spec.Name}}', foreign]),
      foreign,
      'an unlabelled look-alike stays',
    );
    assert.deepEqual(deps.warnings, []);
  });

  it('damaged entries on the server and corrupt local lines are counted and reported, not skipped silently', async () => {
    const app = newApp('damaged');
    const stack = stackNameOf(app);
    addApp(bob, 'lab', app);
    await recordAudit(depsOf(alice, 'alice'), {
      app,
      server: 'lab',
      argv: ['app', 'deploy', app],
      result: 'ok',
    });
    // Labelled as this stack's entry (so history reads it), but the data is not an entry.
    const damaged = `abra-audit_${stack}_damaged`;
    const labels = ['coop-cloud.audit=1', `coop-cloud.audit.stack=${stack}`];
    docker(['config', 'create', ...labels.flatMap((l) => ['--label', l]), damaged, '/etc/hostname']);
    writeFileSync(join(bob.abraDir, 'audit.log'), '{"id":"cut short\n');
    const json = await abra(['app', 'history', app, '-m'], bob.env);
    assert.equal(json.code, 0, json.stderr);
    const out = JSON.parse(json.stdout) as HistoryJson & { unreadable: { local: number; server: number } };
    assert.equal(out.entries.length, 1);
    assert.deepEqual(out.unreadable, { local: 1, server: 1 });
    const table = await abra(['app', 'history', app], bob.env);
    assert.equal(table.code, 0, table.stderr);
    assert.match(
      table.stderr,
      /warning: 2 audit entries could not be read and are not shown \(1 in .*audit\.log, 1 stored on the server\)/,
    );
  });

  it('an unreachable server never fails the operation: a warning, and the local line is kept', async () => {
    const app = newApp('down');
    addApp(alice, 'lab-down', app);
    const deps = depsOf(alice, 'alice');
    const res = await recordAudit(deps, {
      app,
      server: 'lab-down',
      argv: ['app', 'deploy', app],
      result: 'ok',
    });
    assert.equal(res.server, false);
    assert.equal(res.local, true);
    assert.equal(deps.warnings.length, 1);
    assert.match(
      deps.warnings[0] ?? '',
      /Could not write the audit entry to server lab-down \(.*refused.*\); it is kept in \S+audit\.log only/i,
    );
    const cli = await abra(['app', 'history', app, '-m'], alice.env);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stderr, /Could not read the history stored on server lab-down/);
    const json = JSON.parse(cli.stdout) as HistoryJson;
    assert.equal(json.source, 'local');
    assert.deepEqual(
      json.entries.map((e) => e.id),
      [res.entry.id],
    );
  });
});
