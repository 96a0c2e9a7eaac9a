import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CliResult } from '../helpers/cli.js';
import { type AppWorld, docker, makeAppWorld, makeRecipe, RECIPE, readSecrets } from './app-new-helpers.js';

// Generated values are shown once on stdout, as abra does, and are the values the swarm holds;
// they appear nowhere else: not in stderr (even with --debug), the audit log on disk or on the
// server, or --machine output unless --show-secrets is given.

let world: AppWorld;
let app: string;
let stack: string;
/** Every run of this file, to search for leaked values at the end. */
const runs: { args: string[]; res: CliResult }[] = [];

async function run(args: string[]): Promise<CliResult> {
  const res = await world.run(args);
  runs.push({ args, res });
  assert.equal(res.code, 0, res.stderr);
  return res;
}

/** `secret -> value` from the table the terminal renderer prints. */
function shownValues(stdout: string): Map<string, string> {
  const rows = stdout
    .split('\n')
    .map((l) => new RegExp(`^(\\S+)\\s+(v\\d+)\\s+(${stack}_\\S+)\\s+(.+)$`).exec(l))
    .filter((m): m is RegExpExecArray => m !== null);
  return new Map(rows.map((m) => [m[3] ?? '', m[4] ?? '']));
}

/** What the server's audit entries of the app hold, decoded. */
function serverAudit(): string {
  const ids = docker('config', 'ls', '-q', '--filter', `label=coop-cloud.audit.stack=${stack}`)
    .split('\n')
    .filter(Boolean);
  assert.ok(ids.length > 0, 'the server has audit entries for the app');
  return ids
    .map((id) =>
      Buffer.from(
        docker('config', 'inspect', '--format', '{{json .Spec.Data}}', id).replaceAll('"', ''),
        'base64',
      ).toString('utf8'),
    )
    .join('\n');
}

before(async () => {
  world = makeAppWorld('shownonce');
  makeRecipe(world);
  assert.equal((await world.run(['server', 'add', '--local'])).code, 0);
  app = world.domain('once');
  stack = app.replaceAll('.', '_');
  await run(['app', 'new', RECIPE, '-s', 'default', '-D', app]);
});
after(() => {
  for (const id of docker('config', 'ls', '-q', '--filter', `label=coop-cloud.audit.stack=${stack}`)
    .split('\n')
    .filter(Boolean))
    docker('config', 'rm', id);
  world.cleanup();
});

describe('generated secret values are shown once', () => {
  it('stdout shows each value the swarm holds; stderr (with --debug), audit and --machine never do', async () => {
    // 1. One secret, on a terminal-style run with debug output on.
    const one = await run(['-d', 'app', 'secret', 'generate', app, 'api_key']);
    const shown = shownValues(one.stdout);
    const apiKey = `${stack}_api_key_v1`;
    assert.deepEqual([...shown.keys()], [apiKey]);
    assert.match(shown.get(apiKey) ?? '', /^\S{48}$/);
    assert.match(one.stderr, /warning: this value is shown once and stored nowhere by abra/);
    assert.match(one.stderr, /debug \[/, 'debug output was on');

    // 2. --machine without --show-secrets: names in the JSON, no values.
    const machine = await run(['app', 'secret', 'generate', app, '--all', '-m']);
    const result = JSON.parse(machine.stdout) as { generated: Record<string, unknown>[] };
    const dbPassword = `${stack}_db_password_v1`;
    const longKey = `${stack}_long_client_secret_key_v1`;
    assert.deepEqual(
      result.generated.map((g) => g.remoteName),
      [longKey, dbPassword].sort(),
    );
    for (const g of result.generated) assert.equal(g.value, undefined, 'no value in --machine JSON');
    assert.match(machine.stderr, /"event":"secrets.generated"/);

    // 3. --machine --show-secrets: the values are in the JSON result.
    const asked = await run(['app', 'secret', 'generate', app, 'db_password', 'v2', '-m', '--show-secrets']);
    const askedResult = JSON.parse(asked.stdout) as { generated: { remoteName: string; value: string }[] };
    const v2 = `${stack}_db_password_v2`;
    assert.equal(askedResult.generated[0]?.remoteName, v2);

    // The swarm holds exactly what was shown.
    const names = [apiKey, dbPassword, longKey, v2];
    const read = readSecrets(world, names);
    const onSwarm = new Map(names.map((n, i) => [n, read[i] ?? '']));
    assert.equal(onSwarm.get(apiKey), shown.get(apiKey), 'the shown value is the swarm secret');
    assert.equal(onSwarm.get(v2), askedResult.generated[0]?.value, '--show-secrets gives the swarm value');
    for (const n of names) assert.ok((onSwarm.get(n) ?? '').length >= 20, `${n} read back`);

    // Nowhere else: the --machine run's output, any stderr, the local and the server audit log.
    const hidden = [apiKey, dbPassword, longKey].map((n) => onSwarm.get(n) ?? '');
    for (const value of hidden) {
      assert.ok(!machine.stdout.includes(value) && !machine.stderr.includes(value), '--machine output');
      for (const r of runs) assert.ok(!r.res.stderr.includes(value), `stderr of ${r.args.join(' ')}`);
    }
    const local = readFileSync(join(world.abraDir, 'audit.log'), 'utf8');
    const remote = serverAudit();
    assert.match(local, /secret generate|generate/);
    for (const value of [...hidden, onSwarm.get(v2) ?? '']) {
      assert.ok(!local.includes(value), 'not in $ABRA_DIR/audit.log');
      assert.ok(!remote.includes(value), "not in the server's audit entries");
    }
  });

  it('app new --secrets shows the values it generated, which are the swarm values', async () => {
    const other = world.domain('newonce');
    const res = await run(['app', 'new', RECIPE, '-s', 'default', '-D', other, '--secrets']);
    const otherStack = other.replaceAll('.', '_');
    const rows = res.stdout
      .split('\n')
      .map((l) => new RegExp(`^(\\S+)\\s+v1\\s+(${otherStack}_\\S+)\\s+(.+)$`).exec(l))
      .filter((m): m is RegExpExecArray => m !== null);
    assert.equal(rows.length, 3, res.stdout);
    const names = rows.map((m) => m[2] ?? '');
    assert.deepEqual(
      readSecrets(world, names),
      rows.map((m) => m[3]),
    );
    assert.match(res.stderr, /these values are shown once and stored nowhere by abra/);
  });
});
