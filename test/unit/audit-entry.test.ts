import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type AuditEntry,
  compactTime,
  mergeEntries,
  parseAuditEntry,
  shapeAuditEntry,
} from '../../src/domain/audit/entry.js';
import { REDACTED } from '../../src/domain/audit/redact.js';
import {
  formatCommand,
  formatDuration,
  formatVersion,
  HISTORY_HEADERS,
  historyRows,
} from '../../src/domain/audit/render.js';
import {
  AUDIT_KEEP,
  auditObjectName,
  auditObjectSpec,
  entryOfObject,
  isAuditObjectOf,
  prunableObjects,
  type StoredObject,
} from '../../src/domain/audit/stored.js';
import { renderTable } from '../../src/ui/table.js';

const NOW = new Date('2026-03-01T12:00:05.250Z');
const CTX = { now: NOW, operator: 'alice@laptop', nonce: 'a1b2c3d4' };

describe('shapeAuditEntry', () => {
  it('fills operator, id, time and duration; redacts argv; keeps the version move', () => {
    const e = shapeAuditEntry(
      {
        app: 'cloud.example.com',
        server: 'srv1',
        argv: ['app', 'secret', 'insert', 'cloud.example.com', 'db_password', 'v2', 'hunter2'],
        result: 'ok',
        version: { from: '1.0.0+1', to: '1.1.0+1' },
        startedAt: new Date('2026-03-01T12:00:00.000Z'),
      },
      CTX,
    );
    assert.deepEqual(e, {
      id: '20260301120000000-a1b2c3d4',
      time: '2026-03-01T12:00:00.000Z',
      operator: 'alice@laptop',
      command: ['app', 'secret', 'insert', 'cloud.example.com', 'db_password', 'v2', REDACTED],
      app: 'cloud.example.com',
      server: 'srv1',
      version: { from: '1.0.0+1', to: '1.1.0+1' },
      result: 'ok',
      durationMs: 5250,
    });
  });

  it('drops empty optional parts, flattens and caps the message, hides URL passwords in it', () => {
    const e = shapeAuditEntry(
      {
        app: 'a.example',
        server: 's',
        argv: ['app', 'deploy', 'a.example'],
        result: 'failed',
        version: { from: '', to: undefined },
        message: `pull https://u:pw@r.example/x failed\n  at line 2\n${'x'.repeat(900)}`,
        durationMs: 12.6,
      },
      CTX,
    );
    assert.equal(e.version, undefined);
    assert.equal(e.durationMs, 13);
    assert.equal(e.time, NOW.toISOString());
    assert.ok(e.message?.startsWith(`pull https://u:${REDACTED}@r.example/x failed at line 2 xxx`));
    assert.equal(e.message?.length, 500);
    assert.ok(e.message?.endsWith('…'));
  });

  it('compactTime is sortable digits only', () => {
    assert.equal(compactTime(new Date('2026-11-25T23:20:40.093Z')), '20261125232040093');
  });
});

describe('parseAuditEntry: tolerant of other operators and other abra versions', () => {
  const good = {
    id: 'x-1',
    time: '2026-03-01T12:00:00.000Z',
    operator: 'bob@desk',
    command: ['app', 'deploy', 'a.example'],
    app: 'a.example',
    server: 'srv1',
    result: 'rolled-back',
    durationMs: 10,
    version: { from: '1', to: '2', extra: 3 },
    message: 'health check failed',
    futureField: true,
  };
  it('reads the known fields and ignores unknown ones', () => {
    assert.deepEqual(parseAuditEntry(good), {
      id: 'x-1',
      time: '2026-03-01T12:00:00.000Z',
      operator: 'bob@desk',
      command: ['app', 'deploy', 'a.example'],
      app: 'a.example',
      server: 'srv1',
      result: 'rolled-back',
      durationMs: 10,
      version: { from: '1', to: '2' },
      message: 'health check failed',
    });
  });
  it('rejects what is not an entry', () => {
    for (const bad of [
      null,
      'x',
      { ...good, result: 'maybe' },
      { ...good, time: 'yesterday' },
      { ...good, command: 'app deploy' },
      { ...good, command: [1] },
      { ...good, id: '' },
    ])
      assert.equal(parseAuditEntry(bad), undefined, JSON.stringify(bad));
  });
  it('a missing or negative duration reads as 0', () => {
    assert.equal(parseAuditEntry({ ...good, durationMs: -5 })?.durationMs, 0);
  });
});

function entry(id: string, time: string, extra: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id,
    time,
    operator: 'alice@laptop',
    command: ['app', 'deploy', 'a.example'],
    app: 'a.example',
    server: 'srv1',
    result: 'ok',
    durationMs: 1000,
    ...extra,
  };
}

describe('mergeEntries', () => {
  const a = entry('a', '2026-01-01T00:00:01Z');
  const b = entry('b', '2026-01-01T00:00:02Z');
  const c = entry('c', '2026-01-01T00:00:02Z');
  const d = entry('d', '2026-01-01T00:00:03Z');
  it('dedupes by id (the server copy wins), sorts oldest first, keeps the newest N', () => {
    const local = [{ ...b, message: 'local copy' }, a];
    assert.deepEqual(
      mergeEntries([[d, c, b], local]).map((e) => [e.id, e.message]),
      [
        ['a', undefined],
        ['b', undefined],
        ['c', undefined],
        ['d', undefined],
      ],
    );
    assert.deepEqual(
      mergeEntries([[d, c, b], local], 2).map((e) => e.id),
      ['c', 'd'],
    );
    assert.deepEqual(mergeEntries([[a]], 0), []);
  });
});

describe('the on-server representation', () => {
  const e = entry('20260301120000000-a1b2c3d4', '2026-03-01T12:00:00.000Z');
  it('names fit the swarm rules (<= 64 of [a-zA-Z0-9-_.], alphanumeric ends) for the longest stack', () => {
    const stack = 'x'.repeat(45);
    const name = auditObjectName(stack, e.id);
    assert.ok(name.length <= 64, name);
    assert.match(name, /^[a-zA-Z0-9][a-zA-Z0-9_.-]*[a-zA-Z0-9]$/);
    assert.equal(
      auditObjectName('cloud_example_com', e.id),
      'abra-audit_cloud_example_com_20260301120000000_a1b2c3d4',
    );
  });

  it('round-trips an entry through the config spec; labels prove which stack owns it', () => {
    const spec = auditObjectSpec('cloud_example_com', e);
    assert.deepEqual(spec.Labels, {
      'coop-cloud.audit': '1',
      'coop-cloud.audit.stack': 'cloud_example_com',
      'coop-cloud.audit.time': '2026-03-01T12:00:00.000Z',
    });
    assert.ok(!('com.docker.stack.namespace' in spec.Labels), 'docker stack rm must not sweep it');
    const obj: StoredObject = { ID: 'id1', Spec: spec };
    assert.deepEqual(entryOfObject('cloud_example_com', obj), e);
    assert.equal(entryOfObject('other_stack', obj), undefined);
    assert.equal(
      isAuditObjectOf('cloud_example_com', { ID: 'x', Spec: { ...spec, Name: 'app_config_v1' } }),
      false,
    );
    assert.equal(
      entryOfObject('cloud_example_com', {
        ID: 'x',
        Spec: { ...spec, Data: Buffer.from('{').toString('base64') },
      }),
      undefined,
    );
  });

  it('pruning keeps the newest N of the stack and never touches anything else', () => {
    const stack = 's';
    const objs: StoredObject[] = [3, 1, 4, 2, 5].map((n) => ({
      ID: `id${n}`,
      Spec: auditObjectSpec(stack, entry(`e${n}`, `2026-01-01T00:00:0${n}Z`)),
    }));
    const foreign: StoredObject = {
      ID: 'foreign',
      Spec: { ...auditObjectSpec('other', entry('e0', '2000-01-01T00:00:00Z')) },
    };
    const unlabelled: StoredObject = { ID: 'plain', Spec: { Name: 'abra-audit_s_x', Data: '' } };
    const garbled: StoredObject = {
      ID: 'garbled',
      Spec: { ...auditObjectSpec(stack, entry('g', '2026-01-01T00:00:09Z')), Data: 'bm9wZQ==' },
    };
    const prune = prunableObjects(stack, [...objs, foreign, unlabelled, garbled], 3);
    assert.deepEqual(
      prune.map((o) => o.ID),
      ['id1', 'id2', 'id3'],
    );
    assert.deepEqual(prunableObjects(stack, objs, AUDIT_KEEP), []);
  });
});

describe('history rendering', () => {
  it('renders the table golden', () => {
    const rows = historyRows([
      entry('1', '2026-03-01T12:00:00.123Z', {
        version: { from: '1.0.0+1', to: '1.1.0+1' },
        durationMs: 83_000,
      }),
      entry('2', '2026-03-01T13:00:00.000Z', {
        operator: 'bob@desk',
        command: ['app', 'secret', 'insert', 'a.example', 'pw', 'v2', REDACTED],
        result: 'failed',
        message: 'secret exists',
        durationMs: 420,
      }),
    ]);
    assert.equal(
      renderTable(HISTORY_HEADERS, rows),
      [
        'TIME                  OPERATOR      COMMAND                                       VERSION             RESULT  DURATION  MESSAGE',
        '2026-03-01 12:00:00Z  alice@laptop  app deploy a.example                          1.0.0+1 -> 1.1.0+1  ok      1m23s',
        '2026-03-01 13:00:00Z  bob@desk      app secret insert a.example pw v2 <redacted>                      failed  420ms     secret exists',
      ].join('\n'),
    );
  });

  it('formats versions, durations and quoted arguments', () => {
    assert.equal(formatVersion({ to: '2' }), '-> 2');
    assert.equal(formatVersion({ from: '1' }), '1 ->');
    assert.equal(formatVersion({ from: '2', to: '2' }), '2');
    assert.equal(formatVersion(undefined), '');
    assert.equal(formatDuration(999), '999ms');
    assert.equal(formatDuration(1500), '1.5s');
    assert.equal(formatDuration(3_725_000), '1h02m');
    assert.equal(
      formatCommand(['app', 'run', 'a.example', 'app', "echo 'hi there'", '']),
      `app run a.example app 'echo '\\''hi there'\\''' ''`,
    );
  });
});
