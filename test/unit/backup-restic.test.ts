import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import {
  classifyFailure,
  forgetArgs,
  killedBy,
  parseBackupSummary,
  parseRepository,
  parseSnapshots,
  passwordSecretName,
  resticTaskSpec,
  type Snapshot,
  shQuote,
  snapshotTags,
} from '../../src/domain/backup/restic.js';
import { pathCovered, restoreScript } from '../../src/domain/backup/restore.js';
import { chooseSnapshot } from '../../src/services/backup/snapshots.js';

describe('restic repository, output and task', () => {
  it('repository forms: local paths on the server, restic URLs passed through, the rest refused', () => {
    assert.deepEqual(parseRepository('/srv/backups/'), {
      kind: 'local',
      url: '/srv/backups/',
      path: '/srv/backups',
    });
    assert.deepEqual(parseRepository('local:/srv/b'), { kind: 'local', url: 'local:/srv/b', path: '/srv/b' });
    assert.deepEqual(parseRepository('sftp:u@h:/r'), { kind: 'remote', url: 'sftp:u@h:/r', scheme: 'sftp' });
    assert.deepEqual(parseRepository('s3:https://s3.example/bucket'), {
      kind: 'remote',
      url: 's3:https://s3.example/bucket',
      scheme: 's3',
    });
    for (const bad of ['', 'relative/path', '/a/../etc', 'ftp://x', ' /srv', '/srv\n/x', 'http://x'])
      assert.equal(parseRepository(bad), undefined, bad);
    assert.match(passwordSecretName('/srv/b'), /^abra-backup_[0-9a-f]{16}$/);
    assert.notEqual(passwordSecretName('/srv/b'), passwordSecretName('/srv/c'));
  });

  it('tags, retention flags', () => {
    assert.deepEqual(snapshotTags({ app: 'a.example', services: ['db', 'web'], version: '1.0.0+1' }), [
      'app=a.example',
      'service=db',
      'service=web',
      'version=1.0.0+1',
    ]);
    assert.deepEqual(forgetArgs({ weekly: 4, daily: 7, last: 0 }), [
      '--keep-last',
      '0',
      '--keep-daily',
      '7',
      '--keep-weekly',
      '4',
    ]);
  });

  it("reads restic's backup summary and snapshot list among other output", () => {
    const lines = [
      '{"message_type":"status","percent_done":0.5}',
      'not json',
      '{"message_type":"summary","files_new":3,"files_changed":1,"files_unmodified":0,"total_files_processed":4,"total_bytes_processed":1024,"data_added":900,"total_duration":1.5,"snapshot_id":"abcdef0123"}',
    ];
    assert.deepEqual(parseBackupSummary(lines), {
      snapshotId: 'abcdef0123',
      filesNew: 3,
      filesChanged: 1,
      filesTotal: 4,
      bytesTotal: 1024,
      bytesAdded: 900,
      durationS: 1.5,
    });
    assert.equal(parseBackupSummary(['{"message_type":"status"}']), undefined);
    const snaps = parseSnapshots([
      'some warning',
      '[{"time":"2026-01-02T00:00:00Z","paths":["/backup/v"],"hostname":"abra-backup","tags":["app=a"],"id":"bbbb","short_id":"bb"},{"time":"2026-01-01T00:00:00Z","paths":[],"hostname":"h","id":"aaaa"}]',
    ]);
    assert.deepEqual(
      snaps?.map((s) => [s.id, s.shortId, s.tags]),
      [
        ['aaaa', 'aaaa', []],
        ['bbbb', 'bb', ['app=a']],
      ],
    );
    assert.equal(parseSnapshots(['Fatal: wrong password or no key found']), undefined);
  });

  it('classifies fatal errors', () => {
    assert.equal(classifyFailure(['Fatal: wrong password or no key found']).kind, 'wrong_password');
    assert.equal(
      classifyFailure([
        'Fatal: unable to open config file: stat /r/config: no such file or directory',
        'Is there a repository at the following location?',
      ]).kind,
      'repository_missing',
    );
    assert.equal(
      classifyFailure([
        'Fatal: create key in repository at /r failed: repository master key and config already initialized',
      ]).kind,
      'repository_exists',
    );
    assert.equal(classifyFailure(['write /r/data/x: no space left on device']).kind, 'no_space');
    assert.equal(
      classifyFailure(['Fatal: unable to create lock in backend: repository is already locked by PID 1'])
        .kind,
      'locked',
    );
    assert.deepEqual(classifyFailure(['x', 'Fatal: boom', '']), { kind: 'other', line: 'Fatal: boom' });
    // restic asks "Is there a repository" also when it could not connect at all.
    assert.equal(
      classifyFailure([
        'Fatal: unable to open config file: client.Head: Head "http://127.0.0.1:9/config": dial tcp 127.0.0.1:9: connect: connection refused',
        'Is there a repository at the following location?',
      ]).kind,
      'unreachable',
    );
    assert.equal(killedBy(137), 'SIGKILL');
    assert.equal(killedBy(143), 'SIGTERM');
    assert.equal(killedBy(1), undefined);
    assert.equal(killedBy(undefined), undefined);
  });

  it('the task is a one-shot job pinned to its node, with the password as a secret file', () => {
    const spec = resticTaskSpec({
      name: 'abra-backup-s-1',
      image: 'restic/restic:0.16.4',
      argv: ['restic', 'backup', '/backup/v'],
      nodeId: 'node1',
      mounts: [{ type: 'volume', source: 's_v', target: '/backup/v', readOnly: true }],
      secret: { id: 'sid', name: 'abra-backup_x' },
      repository: '/srv/r',
      labels: { l: 's' },
    });
    assert.deepEqual(spec.Mode, { ReplicatedJob: { MaxConcurrent: 1, TotalCompletions: 1 } });
    assert.deepEqual(spec.TaskTemplate.Placement, { Constraints: ['node.id==node1'] });
    assert.deepEqual(spec.TaskTemplate.RestartPolicy, { Condition: 'none', MaxAttempts: 0 });
    const c = spec.TaskTemplate.ContainerSpec;
    assert.deepEqual([c.Command, c.Args], [['restic'], ['backup', '/backup/v']]);
    assert.deepEqual(c.Env, [
      'RESTIC_REPOSITORY=/srv/r',
      'RESTIC_PASSWORD_FILE=/run/secrets/restic_password',
    ]);
    assert.deepEqual(c.Mounts, [
      { Type: 'volume', Source: 's_v', Target: '/backup/v', ReadOnly: true, VolumeOptions: { NoCopy: true } },
    ]);
    assert.equal(JSON.stringify(spec).includes('password='), false);
  });

  it('shell quoting survives any string', () => {
    for (const s of ["it's", 'a b', '$(rm -rf /)', '`x`', '"', '\\', ''])
      assert.equal(execFileSync('sh', ['-c', `printf %s ${shQuote(s)}`], { encoding: 'utf8' }), s);
  });

  it('the restore script restores everything into staging before swapping anything in', () => {
    const script = restoreScript('abc123', [
      { volume: 'content', paths: ['/backup/content'] },
      { volume: 'pgdata', paths: ['/backup/pgdata/dump'] },
    ]);
    const restores = script.indexOf(
      "restic restore 'abc123' --target '/backup/pgdata/.abra-restore' --include '/backup/pgdata/dump'",
    );
    const firstSwap = script.indexOf('find ');
    assert.ok(restores > 0 && firstSwap > restores, script);
    assert.match(script, /^set -eu\n/);
    assert.match(script, /trap cleanup EXIT/);
    assert.match(script, /! -path '\/backup\/content\/\.abra-restore'/);
    execFileSync('sh', ['-n', '-c', script]);
    assert.ok(pathCovered('/backup/v/a', ['/backup/v']));
    assert.ok(pathCovered('/backup/v', ['/backup/v/a']));
    assert.ok(!pathCovered('/backup/vv', ['/backup/v']));
  });

  it("chooses the app's newest snapshot, and refuses another app's", () => {
    const snap = (id: string, app: string, time: string): Snapshot => ({
      id,
      shortId: id.slice(0, 8),
      time,
      paths: ['/backup/v'],
      tags: [`app=${app}`],
      hostname: 'abra-backup',
    });
    const all = [
      snap('aaaa1111', 'a.example', '1'),
      snap('bbbb2222', 'b.example', '2'),
      snap('aaaa3333', 'a.example', '3'),
    ];
    assert.equal(chooseSnapshot('a.example', all, undefined).id, 'aaaa3333');
    assert.equal(chooseSnapshot('a.example', all, 'aaaa1').id, 'aaaa1111');
    assert.throws(() => chooseSnapshot('a.example', all, 'bbbb'), { code: 'backup_snapshot_other_app' });
    assert.throws(() => chooseSnapshot('a.example', all, 'aaaa'), { code: 'backup_snapshot_ambiguous' });
    assert.throws(() => chooseSnapshot('a.example', all, 'cccc'), { code: 'backup_snapshot_unknown' });
    assert.throws(() => chooseSnapshot('a.example', all, '--x'), { code: 'backup_snapshot_invalid' });
    assert.throws(() => chooseSnapshot('c.example', all, undefined), { code: 'backup_no_snapshot' });
  });
});
