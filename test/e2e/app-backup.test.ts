import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HelloWorld } from '../helpers/hello-world.js';
import { docker } from '../helpers/lab.js';
import {
  assertNoLeftoverTasks,
  cleanupBackupWorld,
  removeJobContainers,
  resticJob,
  serviceContainer,
  serviceExec,
} from './backup-helpers.js';

// abra app backup / restore on the lab swarm: a postgres service whose pre-hook dumps the
// database into a backed-up subpath of its volume (restored by a post-restore hook), and an
// nginx service with a data volume. The repository is a directory on the lab host.

const PGDATA = '/var/lib/postgresql/data';
const COMPOSE = `---
version: "3.8"

services:
  db:
    image: abra-lab/postgres:15
    environment:
      - POSTGRES_PASSWORD=pw
      - POSTGRES_DB=app
    volumes:
      - pgdata:${PGDATA}
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U postgres -d app"]
      interval: 1s
      timeout: 2s
      retries: 30
    stop_grace_period: 2s
    deploy:
      endpoint_mode: dnsrr
      labels:
        - "coop-cloud.\${STACK_NAME}.version=1.0.0+1"
        - "coop-cloud.\${STACK_NAME}.timeout=\${TIMEOUT:-120}"
        - "backupbot.backup=\${ENABLE_BACKUPS:-true}"
        - "backupbot.backup.pre-hook=test ! -e ${PGDATA}/fail-pre-hook && mkdir -p ${PGDATA}/dump && pg_dump -U postgres --clean --if-exists -d app -f ${PGDATA}/dump/app.sql"
        - "backupbot.backup.post-hook=echo ran >> ${PGDATA}/post-hook.log"
        - "backupbot.backup.volumes.pgdata.path=dump"
        - "backupbot.restore.post-hook=psql -v ON_ERROR_STOP=1 -U postgres -d app -f ${PGDATA}/dump/app.sql"
  web:
    image: abra-lab/nginx:1
    volumes:
      - content:/usr/share/nginx/html
    stop_grace_period: 1s
    deploy:
      endpoint_mode: dnsrr
      labels:
        - "backupbot.backup=true"

volumes:
  pgdata:
  content:
`;

let world: HelloWorld;
let app: string;
let stack: string;
let repoDir: string;

function container(service: string): string {
  return serviceContainer(stack, service);
}

function exec(service: string, script: string): string {
  return serviceExec(stack, service, script);
}

function psql(sql: string): string {
  return exec('db', `psql -U postgres -d app -At -c "${sql}"`).trim();
}

/** Every entry's mode, type and path, every file's sha256, every link's target (GNU find). */
const TREE =
  'export LC_ALL=C; find . -printf "%m %y %p\\n" | sort -k3 && find . -type f -exec sha256sum {} + | sort -k2 && find . -type l -printf "%p -> %l\\n" | sort';

/** The web volume's tree: every file's path and sha256, and the directories. */
function webTree(): string {
  return exec('web', `cd /usr/share/nginx/html && ${TREE}`);
}

/** restic in a one-shot swarm job with the repository's password secret (tests only). */
function restic(args: string[], repo = repoDir): string {
  return resticJob(args, repo);
}

function noLeftoverTasks(): void {
  assertNoLeftoverTasks(stack);
}

before(async () => {
  world = new HelloWorld([
    { tag: '1.0.0+1', edit: () => COMPOSE },
    { tag: '1.1.0+1', edit: () => COMPOSE.replace('version=1.0.0+1', 'version=1.1.0+1') },
  ]);
  // The lab's restic image (real servers pull the official one).
  world.env.ABRA_RESTIC_IMAGE = 'abra-lab/restic:1';
  app = world.app('bk', { COMPOSE_FILE: 'compose.yml' });
  stack = world.stack(app);
  repoDir = join(world.home, 'repo');
  const dep = await world.run('app', 'deploy', app, '1.0.0+1', '-n', '--no-domain-checks');
  assert.equal(dep.code, 0, dep.stderr);
  const conf = await world.run('server', 'backup-config', 'default', '--repository', repoDir);
  assert.equal(conf.code, 0, conf.stderr);
  const init = await world.run('server', 'backup-init', 'default');
  assert.equal(init.code, 0, init.stderr);
});

after(() => {
  // restic writes the repository as root: the home directory goes with it.
  cleanupBackupWorld(world, stack);
});

describe('app backup and restore (lab swarm, postgres + nginx)', () => {
  it('backs up, and a restore brings back the volume tree and the table exactly', async () => {
    // Data: random files in nested directories, and rows in postgres.
    exec(
      'web',
      'cd /usr/share/nginx/html && mkdir -p a/b/c "with space" && for i in 1 2 3 4 5 6 7 8; do head -c $((i * 7919)) /dev/urandom > a/f$i; head -c 300 /dev/urandom > a/b/c/g$i; done && head -c 65536 /dev/urandom > "with space/h" && ln -sf a/f1 link',
    );
    psql(
      'CREATE TABLE items (id int primary key, body text); INSERT INTO items SELECT g, md5(random()::text) FROM generate_series(1, 500) g',
    );
    const tree = webTree();
    const rows = psql("SELECT string_agg(id || ':' || body, ',' ORDER BY id) FROM items");
    assert.match(rows, /^1:/);

    const ls0 = await world.run('app', 'backup', 'ls', app, '--machine');
    assert.equal(ls0.code, 0, ls0.stderr);
    assert.deepEqual(JSON.parse(ls0.stdout).snapshots, []);

    const made = await world.run('app', 'backup', 'create', app, '--machine');
    assert.equal(made.code, 0, made.stderr);
    const run = JSON.parse(made.stdout);
    assert.equal(run.snapshots.length, 1);
    const snap = run.snapshots[0];
    assert.deepEqual(snap.services, ['db', 'web']);
    assert.ok(snap.summary.filesTotal >= 18, JSON.stringify(snap.summary));
    assert.ok(snap.summary.bytesTotal > 8 * 7919, JSON.stringify(snap.summary));
    assert.equal(exec('db', `cat ${PGDATA}/post-hook.log`).trim(), 'ran');
    noLeftoverTasks();

    const ls = await world.run('app', 'backup', 'snapshots', app, '--machine');
    assert.equal(ls.code, 0, ls.stderr);
    const snaps = JSON.parse(ls.stdout).snapshots;
    assert.equal(snaps.length, 1);
    assert.ok(snaps[0].id.startsWith(snap.summary.snapshotId.slice(0, 8)));
    assert.ok(snaps[0].tags.includes(`app=${app}`));
    assert.ok(snaps[0].tags.includes('version=1.0.0+1'));
    // Only the dump subpath of pgdata is in the snapshot, and the whole content volume.
    assert.deepEqual([...snaps[0].paths].sort(), ['/backup/content', '/backup/pgdata/dump']);

    // Destroy: the volume's contents, and the table; add a file that was not there before.
    exec('web', 'rm -rf /usr/share/nginx/html/* && echo stray > /usr/share/nginx/html/stray');
    psql('DROP TABLE items');
    assert.notEqual(webTree(), tree);

    const restored = await world.run('app', 'restore', app, '--machine');
    assert.equal(restored.code, 0, restored.stderr);
    assert.deepEqual(JSON.parse(restored.stdout).services, ['db', 'web']);
    assert.equal(webTree(), tree);
    assert.equal(psql("SELECT string_agg(id || ':' || body, ',' ORDER BY id) FROM items"), rows);
    noLeftoverTasks();

    // Download: the snapshot as a tar, byte-exact, whose content tree is the one backed up.
    const tarFile = join(world.home, 'dl.tar');
    const dl = await world.run('app', 'backup', 'download', app, '--output', tarFile);
    assert.equal(dl.code, 0, dl.stderr);
    const out = join(world.home, 'dl');
    mkdirSync(out);
    execFileSync('tar', ['-xf', tarFile, '-C', out]);
    assert.equal(
      execFileSync('sh', ['-c', `cd ${join(out, 'backup', 'content')} && ${TREE}`], {
        encoding: 'utf8',
      }).trim(),
      tree,
    );
    assert.equal(
      readFileSync(join(out, 'backup', 'pgdata', 'dump', 'app.sql'), 'utf8').includes(
        'CREATE TABLE public.items',
      ),
      true,
    );
    const again = await world.run('app', 'backup', 'download', app, '--output', tarFile);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /exists already/);

    const check = restic(['check', '--read-data']);
    assert.match(check, /no errors were found/);

    const hist = await world.run('app', 'history', app, '--machine');
    assert.equal(hist.code, 0, hist.stderr);
    assert.match(hist.stdout, /backup/);
    assert.match(hist.stdout, /restore/);
  });

  it('a failing pre-hook aborts the backup, the post-hook still runs and the service keeps running', async () => {
    const before = exec('db', `cat ${PGDATA}/post-hook.log`).trim().split('\n').length;
    const cid = container('db');
    exec('db', `touch ${PGDATA}/fail-pre-hook`);
    try {
      const res = await world.run('app', 'backup', 'create', app, 'db');
      assert.equal(res.code, 1, res.stderr);
      assert.match(res.stderr, /pre-backup hook of db failed/);
      const after = exec('db', `cat ${PGDATA}/post-hook.log`).trim().split('\n').length;
      assert.equal(after, before + 1, 'the post-hook ran');
      assert.equal(container('db'), cid, 'the service kept running, same container');
      noLeftoverTasks();
    } finally {
      exec('db', `rm -f ${PGDATA}/fail-pre-hook`);
    }
  });

  it("refuses to restore another app's snapshot", async () => {
    const out = restic(['backup', '--json', '--tag', 'app=other.example', '/etc/hostname']);
    const id = /"snapshot_id":"([0-9a-f]+)"/.exec(out)?.[1];
    assert.ok(id, out);
    const res = await world.run('app', 'restore', app, id.slice(0, 10));
    assert.equal(res.code, 1);
    assert.match(res.stderr, /taken of other\.example, not of/);
    // The app was not touched: nothing scaled down.
    assert.equal(
      docker(['service', 'inspect', `${stack}_web`, '--format', '{{.Spec.Mode.Replicated.Replicas}}']).trim(),
      '1',
    );
  });

  it('forget keeps what the policy says, and --all backs up every app of the server', async () => {
    // A finished task service left by a killed run is removed; a live one (a download running
    // meanwhile, which takes no lock) is left alone.
    const leftover = (name: string, args: string[]) =>
      docker([
        'service',
        'create',
        '-d',
        '--no-resolve-image',
        '--mode',
        'replicated-job',
        '--label',
        `coop-cloud.backup.stack=${stack}`,
        '--name',
        name,
        '--entrypoint',
        'sh',
        'abra-lab/restic:1',
        '-c',
        ...args,
      ]);
    const dead = `t-dead-${randomBytes(3).toString('hex')}`;
    const live = `t-live-${randomBytes(3).toString('hex')}`;
    leftover(dead, ['true']);
    leftover(live, ['sleep 600']);
    for (const name of [dead, live]) {
      const want = name === dead ? /^Complete/ : /^Running/;
      const deadline = Date.now() + 30_000;
      while (!want.test(docker(['service', 'ps', name, '--format', '{{.CurrentState}}']).trim())) {
        assert.ok(Date.now() < deadline, `${name} did not reach ${want}`);
        execFileSync('sleep', ['0.3']);
      }
    }
    const all = await world.run('app', 'backup', 'create', '--all', 'default', '--machine');
    const names = docker([
      'service',
      'ls',
      '--filter',
      `label=coop-cloud.backup.stack=${stack}`,
      '--format',
      '{{.Name}}',
    ]);
    assert.deepEqual(names.split('\n').filter(Boolean), [live]);
    docker(['service', 'rm', live]);
    removeJobContainers(live);
    removeJobContainers(dead);
    assert.equal(all.code, 0, all.stderr);
    const rows = JSON.parse(all.stdout);
    assert.deepEqual(
      rows.map((r: { app: string; result: string }) => [r.app, r.result]),
      [[app, 'ok']],
    );
    const before = JSON.parse((await world.run('app', 'backup', 'ls', app, '--machine')).stdout).snapshots;
    assert.ok(before.length >= 2);
    const f = await world.run('app', 'backup', 'forget', app, '--keep-last', '1');
    assert.equal(f.code, 0, f.stderr);
    const left = JSON.parse((await world.run('app', 'backup', 'ls', app, '--machine')).stdout).snapshots;
    assert.equal(left.length, 1);
    assert.equal(left[0].id, before[before.length - 1].id);
    // The other app's snapshot was not forgotten.
    assert.match(restic(['snapshots', '--tag', 'app=other.example']), /1 snapshots/);
  });

  it('app upgrade takes a backup first and names it in its output and audit entry', async () => {
    const before = JSON.parse((await world.run('app', 'backup', 'ls', app, '--machine')).stdout).snapshots;
    const up = await world.run('app', 'upgrade', app, '-n', '--no-domain-checks');
    assert.equal(up.code, 0, up.stderr);
    const id = /Backed up .* first: snapshot ([0-9a-f]{8})/.exec(up.stdout)?.[1];
    assert.ok(id, up.stdout);
    const after = JSON.parse((await world.run('app', 'backup', 'ls', app, '--machine')).stdout).snapshots;
    assert.equal(after.length, before.length + 1);
    const newest = after[after.length - 1];
    assert.ok(newest.id.startsWith(id));
    // Taken before the upgrade: tagged with the version that was running.
    assert.ok(newest.tags.includes('version=1.0.0+1'), newest.tags.join(' '));
    const hist = await world.run('app', 'history', app, '--machine');
    assert.match(hist.stdout, new RegExp(`backup snapshot ${id}`));
  });

  it('a wrong repository password is a clear error', async () => {
    const other = join(world.home, 'repo-wrong');
    mkdirSync(other);
    execFileSync('restic', ['init', '--repo', other], {
      env: { ...process.env, RESTIC_PASSWORD: 'right' },
      stdio: 'ignore',
    });
    const name = `abra-backup_${createHash('sha256').update(other).digest('hex').slice(0, 16)}`;
    execFileSync(
      'docker',
      ['secret', 'create', '--label', `coop-cloud.backup.repository=${other}`, name, '-'],
      {
        input: 'wrong',
      },
    );
    appendFileSync(world.envPath(app), `RESTIC_REPOSITORY=${other}\n`);
    try {
      const res = await world.run('app', 'backup', 'create', app);
      assert.equal(res.code, 1);
      assert.match(res.stderr, /wrong repository password/);
      noLeftoverTasks();
    } finally {
      const env = readFileSync(world.envPath(app), 'utf8');
      writeFileSync(world.envPath(app), env.replace(`RESTIC_REPOSITORY=${other}\n`, ''));
    }
  });
});
