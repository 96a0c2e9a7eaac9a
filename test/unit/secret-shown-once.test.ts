import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { redactArgv } from '../../src/domain/audit/redact.js';
import type { EventSink, OperationEvent } from '../../src/domain/events/types.js';
import { type GeneratedSecret, revealSecrets, SecretText } from '../../src/domain/secret/sensitive.js';
import type { SecretSpec } from '../../src/domain/secret/spec.js';
import { DockerConnector } from '../../src/infra/docker/connector.js';
import { abraPaths } from '../../src/infra/store/paths.js';
import { systemClock } from '../../src/services/deps.js';
import { runOperation } from '../../src/services/operation/run.js';
import { store } from '../../src/services/secret/generate.js';
import { eventRenderer } from '../../src/ui/events.js';
import { describeEvent as webText } from '../../src/web/describe.js';
import { type FakeEngine, startFakeEngine } from '../helpers/fake-engine.js';

// Generated secret values are shown once on the terminal and nowhere else unless the operator
// asks (`--machine --show-secrets`). These tests drive the renderers and the operation wrapper
// with real values and look for them in every output.

const VALUE = 'correct horse battery staple glue mango';
const generated = (value = VALUE): GeneratedSecret[] => [
  {
    name: 'db_password',
    version: 'v1',
    remoteName: 'x_example_com_db_password_v1',
    kind: 'passphrase',
    value: new SecretText(value),
  },
];
const event = (value = VALUE): OperationEvent => ({
  type: 'secrets.generated',
  app: 'x.example.com',
  server: 'default',
  secrets: generated(value),
});

interface Rendered {
  stdout: string;
  stderr: string;
}

function render(
  events: OperationEvent[],
  opts: { machine?: boolean; showSecrets?: boolean; live?: boolean; debug?: boolean } = {},
): Rendered {
  let stdout = '';
  let stderr = '';
  const sink = eventRenderer({
    write: (s) => {
      stderr += s;
    },
    reveal: (s) => {
      stdout += s;
    },
    debug: opts.debug ?? false,
    machine: opts.machine ?? false,
    showSecrets: opts.showSecrets ?? false,
    live: opts.live ? { columns: () => 60, color: false } : undefined,
  });
  for (const e of events) sink(e);
  sink.close();
  return { stdout, stderr };
}

describe('SecretText', () => {
  it('has no JSON form, prints as a placeholder, and gives its text only when revealed', () => {
    const s = new SecretText(VALUE);
    assert.equal(JSON.stringify({ a: 1, value: s }), '{"a":1}');
    assert.equal(JSON.stringify([s]), '[null]');
    assert.equal(`${s}`, '<hidden>');
    assert.equal(String(s), '<hidden>');
    assert.ok(!inspect({ s }).includes(VALUE));
    assert.equal(s.reveal(), VALUE);
  });

  it('revealSecrets copies plain data with every value revealed, leaving the original hidden', () => {
    const data = { app: 'x', generated: generated(), n: 2, none: undefined };
    const shown = revealSecrets(data);
    assert.equal(shown.generated[0]?.value, VALUE);
    assert.equal(shown.n, 2);
    assert.ok(!JSON.stringify(data).includes(VALUE));
    assert.ok(JSON.stringify(shown).includes(VALUE));
  });
});

describe('rendering secrets.generated', () => {
  it('a terminal shows each value once, in a table on stdout, and warns on stderr', () => {
    const out = render([event()]);
    assert.equal(out.stdout.split(VALUE).length - 1, 1, 'the value once');
    assert.match(out.stdout, /^SECRET\s+VERSION\s+REMOTE NAME\s+VALUE$/m);
    assert.match(
      out.stdout,
      new RegExp(`^db_password\\s+v1\\s+x_example_com_db_password_v1\\s+${VALUE}$`, 'm'),
    );
    assert.ok(!out.stderr.includes(VALUE));
    assert.match(out.stderr, /warning: this value is shown once and stored nowhere by abra/);
    assert.match(out.stderr, /only the swarm secret on default holds it/);
  });

  it('with a status line on screen, the table goes to stdout and the line is redrawn around it', () => {
    const out = render(
      [{ type: 'status', message: 'creating secrets' }, event(), { type: 'info', message: 'done' }],
      { live: true },
    );
    assert.equal(out.stdout.split(VALUE).length - 1, 1);
    assert.ok(!out.stderr.includes(VALUE));
  });

  it('--show-secrets without --machine changes nothing: the terminal shows them anyway', () => {
    assert.deepEqual(render([event()], { showSecrets: true }), render([event()]));
  });

  it('--machine: the JSON line names the secrets, without the value', () => {
    const out = render([event()], { machine: true });
    assert.equal(out.stdout, '', 'nothing on stdout: it is the JSON result');
    assert.ok(!out.stderr.includes(VALUE));
    const line = JSON.parse(out.stderr) as { event: string; secrets: Record<string, unknown>[] };
    assert.equal(line.event, 'secrets.generated');
    assert.deepEqual(line.secrets, [
      { name: 'db_password', version: 'v1', remoteName: 'x_example_com_db_password_v1', kind: 'passphrase' },
    ]);
  });

  it('--machine --show-secrets: the JSON line holds the value', () => {
    const out = render([event()], { machine: true, showSecrets: true });
    const line = JSON.parse(out.stderr) as { secrets: { value: string }[] };
    assert.equal(line.secrets[0]?.value, VALUE);
  });

  it('--debug output and the dashboard text carry names only', () => {
    const debug = render([event()], { machine: true, debug: true });
    assert.ok(!debug.stderr.includes(VALUE));
    const text = webText(event());
    assert.equal(text, 'Generated 1 secret(s) for x.example.com on default: db_password (v1)');
  });

  it('--show-secrets is a switch in the audit log: the argument after it stays readable', () => {
    assert.deepEqual(redactArgv(['app', 'secret', 'generate', 'x.example.com', '--show-secrets', '-m']), [
      'app',
      'secret',
      'generate',
      'x.example.com',
      '--show-secrets',
      '-m',
    ]);
  });
});

describe('storing generated secrets inside an operation', () => {
  let engine: FakeEngine;
  let root: string;
  let connector: DockerConnector;

  before(async () => {
    engine = await startFakeEngine();
    root = mkdtempSync(join(tmpdir(), 'abra-shown-once-'));
  });
  after(async () => {
    await connector?.close();
    await engine.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('the swarm gets the value the terminal shows; the audit log (local and on the server) and --machine do not', async () => {
    const env = { ...engine.env, ABRA_DIR: root, USER: 'alice' };
    connector = new DockerConnector({ env, debug: () => undefined });
    const terminal = { stdout: '', stderr: '' };
    const machine = { stderr: '' };
    const renderers = [
      eventRenderer({
        write: (s) => {
          terminal.stderr += s;
        },
        reveal: (s) => {
          terminal.stdout += s;
        },
        debug: true,
        machine: false,
      }),
      eventRenderer({
        write: (s) => {
          machine.stderr += s;
        },
        debug: true,
        machine: true,
      }),
    ];
    const events: EventSink = (e) => {
      for (const r of renderers) r(e);
    };
    const spec: SecretSpec = {
      name: 'api_key',
      envKey: 'SECRET_API_KEY_VERSION',
      version: 'v1',
      remoteName: 'x_example_com_api_key_v1',
      envLine: 3,
      policy: { kind: 'password', length: 40, charset: 'hex', alphabet: '0123456789abcdef' },
      nameProblem: undefined,
      policyProblem: undefined,
    };
    const ctx = {
      app: 'x.example.com',
      server: 'default',
      envFile: join(root, 'x.env'),
      stack: 'x_example_com',
    };
    const values = await runOperation(
      { kind: 'secret generate', app: ctx.app, server: ctx.server },
      {
        paths: abraPaths(env),
        docker: connector,
        events,
        env,
        signals: process,
        machineId: async () => 'machine-a',
        clock: systemClock,
        argv: ['app', 'secret', 'generate', ctx.app, 'api_key'],
      },
      async (op) => store(connector.client('default'), ctx, [spec], op.emit),
    );
    for (const r of renderers) r.close();
    const value = values[0]?.value.reveal() ?? '';
    assert.match(value, /^[0-9a-f]{40}$/);
    const onSwarm = [...engine.secrets.values()].find((s) => s.Spec.Name === spec.remoteName);
    assert.equal(Buffer.from(onSwarm?.Spec.Data ?? '', 'base64').toString('utf8'), value);
    assert.equal(terminal.stdout.split(value).length - 1, 1, 'shown once on stdout');
    assert.ok(!terminal.stderr.includes(value), 'not in the terminal stderr (debug on)');
    assert.ok(!machine.stderr.includes(value), 'not in the --machine event lines');
    assert.match(machine.stderr, /"event":"secrets.generated"/);
    const local = readFileSync(join(root, 'audit.log'), 'utf8');
    assert.match(local, /secret generate|api_key/);
    assert.ok(!local.includes(value), 'not in $ABRA_DIR/audit.log');
    const remote = [...engine.configs.values()]
      .filter((c) => c.Spec.Labels?.['coop-cloud.audit.stack'] === 'x_example_com')
      .map((c) => Buffer.from(c.Spec.Data ?? '', 'base64').toString('utf8'));
    assert.equal(remote.length, 1, 'one audit entry on the server');
    assert.ok(!remote[0]?.includes(value), 'not in the server audit entry');
  });
});
