import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { freePort, HelloWorld } from '../helpers/hello-world.js';
import { docker } from '../helpers/lab.js';

// Upgrade 1 -> 2 -> 3, a broken 4 rolled back by itself, then roll back 3 -> 1: on the local
// socket and over SSH, with the env file, the version label and a volume's data checked at each
// step. Release notes: a release/<version> file for 1.1.0, the annotated tag message for 2.0.0.

const V1 = '1.0.0+1';
const V2 = '1.1.0+1';
const V3 = '2.0.0+1';
const BROKEN = '2.1.0+1';

const withVolume = (version: string) => (c: string) =>
  c
    .replace('RECIPE_VERSION=${APP_VERSION:-1.0.0}', `RECIPE_VERSION=${version}`)
    .replace(
      'networks:\n  proxy:\n    external: true',
      'networks:\n  proxy:\n    external: true\n\nvolumes:\n  data:',
    )
    .replace(
      '    secrets:\n      - api_key\n',
      '    secrets:\n      - api_key\n    volumes:\n      - data:/data\n',
    );

let world: HelloWorld;

before(() => {
  world = new HelloWorld([
    { tag: V1, edit: withVolume(V1) },
    { tag: V2, edit: withVolume(V2), files: { 'release/1.1.0+1': 'Adds the data volume backup labels.\n' } },
    { tag: V3, edit: withVolume(V3), tagMessage: 'BREAKING: the config moved; run the migration.' },
    { tag: BROKEN, edit: (c) => withVolume(BROKEN)(c).replace('exec httpd -f -p 8080 -h /www', 'exit 3') },
  ]);
});
after(() => world.cleanup());

for (const server of ['default', 'lab']) {
  describe(`app upgrade and rollback (${server === 'default' ? 'local socket' : 'over SSH'})`, () => {
    let app: string;
    const stack = () => world.stack(app);
    const container = () =>
      docker([
        'ps',
        '-q',
        '--filter',
        `label=com.docker.swarm.service.name=${stack()}_app`,
        '--filter',
        'status=running',
      ]).split('\n')[0] ?? '';
    const label = () =>
      docker([
        'service',
        'inspect',
        `${stack()}_app`,
        '--format',
        `{{index .Spec.Labels "coop-cloud.${stack()}.version"}}`,
      ]);
    const recorded = () => /^TYPE=(.*)$/m.exec(readFileSync(world.envPath(app), 'utf8'))?.[1];
    const data = () => docker(['exec', container(), 'cat', '/data/keep.txt']);
    const at = (version: string) => {
      assert.equal(label(), version, 'the version label');
      assert.equal(recorded(), `hello:${version}`, 'the env file');
      assert.equal(data(), 'precious', "the volume's data");
    };

    before(async () => {
      if (server === 'lab') world.useSshServer();
      app = world.app(`up${server === 'lab' ? 's' : 'l'}`, { HOST_PORT: String(await freePort()) }, server);
      if (server === 'lab') world.env.DOCKER_HOST = 'unix:///nonexistent/docker.sock';
      assert.equal((await world.run('app', 'secret', 'generate', app, '--all', '-n')).code, 0);
      const res = await world.run('app', 'deploy', app, V1, '-n', '--no-domain-checks');
      assert.equal(res.code, 0, res.stderr);
      docker(['exec', container(), 'sh', '-c', 'printf precious > /data/keep.txt']);
    });
    after(() => {
      delete world.env.DOCKER_HOST;
    });

    it('-r shows the notes of every version crossed and changes nothing', async () => {
      const res = await world.run('app', 'upgrade', app, V3, '-r', '-n');
      assert.equal(res.code, 0, res.stderr);
      assert.match(res.stderr, /Release notes for 1\.1\.0\+1:\n {4}Adds the data volume backup labels\./);
      assert.match(res.stderr, /Release notes for 2\.0\.0\+1:\n {4}BREAKING: the config moved/);
      assert.match(res.stderr, /new major version/);
      at(V1);
    });

    it('upgrades 1 -> 2, then 2 -> 3 (a major bump, warned)', async () => {
      const one = await world.run('app', 'upgrade', app, V2, '-n', '--no-domain-checks');
      assert.equal(one.code, 0, one.stderr);
      assert.match(
        one.stdout,
        new RegExp(`Upgraded ${app} on ${server}: ${V1.replace('+', '\\+')} -> ${V2.replace('+', '\\+')}`),
      );
      at(V2);
      const two = await world.run('app', 'upgrade', app, V3, '-n', '--no-domain-checks', '-m');
      assert.equal(two.code, 0, two.stderr);
      const result = JSON.parse(two.stdout);
      assert.equal(result.majorBump, true);
      assert.equal(result.deploy.converged, true);
      at(V3);
    });

    it('the newest release is broken: the upgrade is rolled back, the env keeps 3, the audit says so', async () => {
      const res = await world.run('app', 'upgrade', app, '-n', '--no-domain-checks');
      assert.equal(res.code, 1, res.stderr);
      assert.match(res.stderr, /Upgrade of .* 2\.1\.0\+1 failed and was rolled back/);
      at(V3);
      const history = JSON.parse((await world.run('app', 'history', app, '-m')).stdout).entries as {
        result: string;
        version?: { from?: string; to?: string };
      }[];
      assert.deepEqual(history.at(-1)?.version, { from: V3, to: BROKEN });
      assert.equal(history.at(-1)?.result, 'rolled-back');
    });

    it('rolls back 3 -> 1, saying that volumes are not rolled back', async () => {
      const res = await world.run('app', 'rollback', app, V1, '-n', '--no-domain-checks');
      assert.equal(res.code, 0, res.stderr);
      assert.match(res.stderr, /volumes and databases are NOT rolled back/);
      at(V1);
    });

    it('clear errors: nothing older, a version on the wrong side, an unknown one; nothing changes', async () => {
      const older = await world.run('app', 'rollback', app, '-n');
      assert.equal(older.code, 1);
      assert.match(older.stderr, /has no older release to roll back to/);
      const wrong = await world.run('app', 'upgrade', app, V1, '-n');
      assert.equal(wrong.code, 1);
      assert.match(wrong.stderr, /already deployed/);
      const back = await world.run('app', 'rollback', app, V3, '-n');
      assert.equal(back.code, 1);
      assert.match(back.stderr, /not older than the deployed .*abra app upgrade/s);
      const unknown = await world.run('app', 'upgrade', app, '9.9.9+9', '-n');
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /9\.9\.9\+9 is not a release of recipe hello/);
      at(V1);
    });
  });
}

describe('app upgrade with nothing newer', () => {
  let single: HelloWorld;
  before(() => {
    single = new HelloWorld([{ tag: V1 }]);
  });
  after(() => single.cleanup());

  it('says so and exits 0, changing nothing', async () => {
    const app = single.app('top', { HOST_PORT: String(await freePort()) });
    assert.equal((await single.run('app', 'secret', 'generate', app, '--all', '-n')).code, 0);
    assert.equal((await single.run('app', 'deploy', app, '-n', '--no-domain-checks')).code, 0);
    const before = readFileSync(single.envPath(app), 'utf8');
    const res = await single.run('app', 'upgrade', app, '-n', '--no-domain-checks');
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /runs 1\.0\.0\+1, the newest release of hello; nothing to upgrade/);
    assert.equal(readFileSync(single.envPath(app), 'utf8'), before);
  });
});
