import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  deriveStatus,
  type ServerAnswer,
  type ServiceView,
  summariseStacks,
  upgradeFor,
} from '../../src/domain/status/app-status.js';
import { DockerClient } from '../../src/infra/docker/client.js';
import { localTransport } from '../../src/infra/docker/transport.js';
import type { TagRef } from '../../src/infra/git/parse.js';
import { abraPaths } from '../../src/infra/store/paths.js';
import { type AppStatus, appKey, groupByServer, type LocalApp } from '../../src/services/app/list.js';
import { appStatuses } from '../../src/services/app/status.js';

const NS = 'com.docker.stack.namespace';

function svc(
  name: string,
  stack: string | undefined,
  labels: Record<string, string>,
  tasks?: [number, number],
) {
  const view: ServiceView = { Spec: { Name: name, Labels: stack ? { [NS]: stack, ...labels } : labels } };
  if (tasks) view.ServiceStatus = { RunningTasks: tasks[0], DesiredTasks: tasks[1] };
  return view;
}

describe('summariseStacks', () => {
  it('folds services into stacks; abra labels come from <stack>_app first', () => {
    const stacks = summariseStacks([
      // A recipe copying a stale label onto another service must not win over `app`.
      svc('blog_db', 'blog', { 'coop-cloud.blog.version': '0.9.0+1' }, [1, 1]),
      svc(
        'blog_app',
        'blog',
        { 'coop-cloud.blog.version': '1.2.0+6.1', 'coop-cloud.blog.chaos': 'false' },
        [0, 2],
      ),
      svc('wiki_web', 'wiki', {
        'coop-cloud.wiki.chaos': 'true',
        'coop-cloud.wiki.chaos-version': 'a1b2c3d4+U',
      }),
      svc('plain_app', undefined, { 'coop-cloud.plain.version': '1.0.0' }, [1, 1]),
      svc('empty_app', 'empty', { 'coop-cloud.empty.version': '' }, [1, 1]),
    ]);
    assert.deepEqual(Object.fromEntries(stacks), {
      blog: { stack: 'blog', services: 2, running: 1, desired: 3, version: '1.2.0+6.1', chaos: 'false' },
      wiki: { stack: 'wiki', services: 1, running: 0, desired: 0, chaos: 'true', chaosVersion: 'a1b2c3d4+U' },
      empty: { stack: 'empty', services: 1, running: 1, desired: 1 },
    });
  });
});

describe('upgradeFor', () => {
  const tags = ['1.0.0+1', '1.1.0+1', '1.2.0+2', '2.0.0-rc.1+3', 'v1.1.0+1', 'not-a-version', '1.2.0+1'];
  const cases: [string, readonly string[], string | undefined][] = [
    ['1.0.0+1', tags, '1.2.0+2'],
    ['1.2.0+1', tags, '1.2.0+2'],
    ['1.2.0+2', tags, 'latest'],
    // Pre-releases are deployed only when named, so never offered.
    ['1.2.0+2', ['2.0.0-rc.1+3'], 'latest'],
    // From a pre-release the release it precedes is an upgrade.
    ['2.0.0-rc.1+3', ['2.0.0+3', '1.2.0+2'], '2.0.0+3'],
    // The same version spelt with a v is not newer.
    ['1.1.0+1', ['v1.1.0+1'], 'latest'],
    ['1.0.0+1', [], 'latest'],
    // A commit or a hand-written label cannot be compared.
    ['a1b2c3d4', tags, undefined],
    ['unknown', tags, undefined],
  ];
  for (const [deployed, list, expected] of cases)
    it(`${deployed} among ${list.length} tags -> ${expected}`, () => {
      assert.equal(upgradeFor(deployed, list), expected);
    });
});

describe('deriveStatus', () => {
  const stacks = summariseStacks([
    svc(
      'blog_app',
      'blog',
      { 'coop-cloud.blog.version': '1.0.0+1', 'coop-cloud.blog.chaos': 'false' },
      [1, 1],
    ),
    svc('wiki_app', 'wiki', {
      'coop-cloud.wiki.version': '1.0.0+1',
      'coop-cloud.wiki.chaos': 'true',
      'coop-cloud.wiki.chaos-version': 'deadbeef',
    }),
    svc('bare_app', 'bare', {}, [2, 3]),
  ]);
  const up: ServerAnswer = { ok: true, stacks };
  const releases = ['1.0.0+1', '1.1.0+1'];
  const cases: [string, string, ServerAnswer, readonly string[] | undefined, unknown][] = [
    [
      'deployed release with a newer tag',
      'blog',
      up,
      releases,
      {
        status: 'deployed',
        version: '1.0.0+1',
        chaos: 'false',
        chaosVersion: 'unknown',
        services: 1,
        running: 1,
        desired: 1,
        upgrade: '1.1.0+1',
      },
    ],
    [
      'recipe not cloned: no upgrade column',
      'blog',
      up,
      undefined,
      {
        status: 'deployed',
        version: '1.0.0+1',
        chaos: 'false',
        chaosVersion: 'unknown',
        services: 1,
        running: 1,
        desired: 1,
      },
    ],
    [
      'chaos deploy: nothing to compare',
      'wiki',
      up,
      releases,
      {
        status: 'deployed',
        version: '1.0.0+1',
        chaos: 'true',
        chaosVersion: 'deadbeef',
        services: 1,
        running: 0,
        desired: 0,
      },
    ],
    [
      'deployed without abra labels (docker stack deploy)',
      'bare',
      up,
      releases,
      {
        status: 'deployed',
        version: 'unknown',
        chaos: 'false',
        chaosVersion: 'unknown',
        services: 1,
        running: 2,
        desired: 3,
      },
    ],
    ['not on the server', 'gone', up, releases, { status: 'undeployed' }],
    [
      'server unreachable',
      'blog',
      { ok: false, reason: 'connection refused' },
      releases,
      { status: 'unknown', reason: 'connection refused' },
    ],
  ];
  for (const [name, stack, answer, rel, expected] of cases)
    it(name, () => {
      assert.deepEqual(deriveStatus(stack, answer, rel), expected);
    });
});

describe('groupByServer with statuses', () => {
  it("counts Go abra's versioned / unversioned / latest / upgrade per server", () => {
    const app = (server: string, appName: string): LocalApp => ({
      server,
      recipe: 'r',
      appName,
      domain: appName,
      envVersion: '',
      envFile: `/x/${appName}.env`,
    });
    const apps = [app('a', 'one'), app('a', 'two'), app('a', 'three'), app('b', 'four')];
    const statuses = new Map<string, AppStatus>([
      [appKey(apps[0] as LocalApp), { status: 'deployed', version: '1.0.0+1', upgrade: '1.1.0+1' }],
      [appKey(apps[1] as LocalApp), { status: 'deployed', version: '1.1.0+1', upgrade: 'latest' }],
      [appKey(apps[2] as LocalApp), { status: 'undeployed' }],
      [appKey(apps[3] as LocalApp), { status: 'unknown', reason: 'down' }],
    ]);
    const listing = groupByServer(apps, statuses);
    const counts = Object.fromEntries(
      Object.entries(listing).map(([s, g]) => [
        s,
        [g.appCount, g.versionCount, g.unversionedCount, g.latestCount, g.upgradeCount],
      ]),
    );
    assert.deepEqual(counts, { a: [3, 2, 1, 1, 1], b: [1, 0, 1, 0, 0] });
    assert.equal(listing.b?.apps[0]?.reason, 'down');
  });
});

/** A stand-in Engine API on a unix socket: answers GET /services and records every request. */
interface FakeEngine {
  socket: string;
  requests: string[];
  server: Server;
}

describe('appStatuses against fake engines', () => {
  const dir = mkdtempSync(join(tmpdir(), 'abra-status-'));
  const engines = new Map<string, FakeEngine>();
  const APPS_PER_SERVER = 40;

  function startEngine(name: string, services: ServiceView[] | 'hang'): Promise<void> {
    const socket = join(dir, `${name}.sock`);
    const requests: string[] = [];
    const server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      if (services === 'hang') return;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(services));
    });
    engines.set(name, { socket, requests, server });
    return new Promise((resolve) => server.listen(socket, resolve));
  }

  const appsOn = (server: string): LocalApp[] =>
    Array.from({ length: APPS_PER_SERVER }, (_, i) => ({
      server,
      recipe: i % 2 ? 'hello' : 'unfetched',
      appName: `app${i}.${server}.example`,
      domain: `app${i}.${server}.example`,
      envVersion: '',
      envFile: '',
    }));
  const stack = (server: string, i: number) => `app${i}_${server}_example`;

  before(async () => {
    // "hello" is cloned (the fake git answers for it); "unfetched" has no directory at all.
    mkdirSync(join(dir, 'abra', 'recipes', 'hello'), { recursive: true });
    // Every even app of "alpha" is deployed; "beta" runs nothing of ours.
    const alpha: ServiceView[] = [];
    for (let i = 0; i < APPS_PER_SERVER; i += 2)
      alpha.push(
        svc(
          `${stack('alpha', i)}_app`,
          stack('alpha', i),
          { [`coop-cloud.${stack('alpha', i)}.version`]: '1.0.0+1' },
          [1, 1],
        ),
      );
    await startEngine('alpha', alpha);
    await startEngine('beta', [svc('other_app', 'other', {}, [1, 1])]);
    await startEngine('stuck', 'hang');
  });
  after(async () => {
    for (const e of engines.values()) {
      e.server.closeAllConnections();
      await new Promise((resolve) => e.server.close(resolve));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  function deps() {
    const clients: DockerClient[] = [];
    const gitCalls: string[] = [];
    const socketOf = (server: string) => engines.get(server)?.socket ?? join(dir, 'nothing-here.sock');
    return {
      clients,
      gitCalls,
      deps: {
        paths: abraPaths({ ABRA_DIR: join(dir, 'abra') }),
        env: {},
        events: () => undefined,
        docker: {
          client: (server: string) => {
            const c = new DockerClient(server, localTransport({ DOCKER_HOST: `unix://${socketOf(server)}` }));
            clients.push(c);
            return c;
          },
        },
        git: {
          isRepo: async (d: string) => {
            gitCalls.push(`isRepo ${d}`);
            return d.endsWith('/hello');
          },
          tags: async (d: string): Promise<TagRef[]> => {
            gitCalls.push(`tags ${d}`);
            return ['1.0.0+1', '1.1.0+1'].map((name) => ({ name, annotated: true, commit: 'c' }));
          },
        },
      },
    };
  }

  it('asks each server once, whatever the number of apps; unreachable servers become unknown', async () => {
    const { deps: d, clients, gitCalls } = deps();
    const apps = [...appsOn('alpha'), ...appsOn('beta'), ...appsOn('missing'), ...appsOn('stuck')];
    const started = Date.now();
    const statuses = await appStatuses({ offline: false, timeoutMs: 300 }, d)(apps);
    const elapsed = Date.now() - started;
    for (const c of clients) c.close();

    const expectedQuery = `/v1.41/services?filters=${encodeURIComponent(JSON.stringify({ label: [NS] }))}&status=true`;
    for (const name of ['alpha', 'beta', 'stuck'])
      assert.deepEqual(engines.get(name)?.requests, [`GET ${expectedQuery}`], name);
    assert.equal(clients.length, 4, 'one client per server');
    assert.equal(
      clients.reduce((n, c) => n + c.calls, 0),
      4,
      'one API call per server',
    );
    // One git lookup per cloned recipe, not per app; none for a recipe that is not here.
    assert.deepEqual(
      gitCalls.map((c) => c.replace(dir, '<dir>')),
      ['isRepo <dir>/abra/recipes/hello', 'tags <dir>/abra/recipes/hello'],
    );
    // The hung server costs its timeout, once, in parallel with the others.
    assert.ok(elapsed < 2000, `took ${elapsed} ms`);

    const of = (server: string, i: number) => statuses.get(`${server}/app${i}.${server}.example`);
    assert.deepEqual(of('alpha', 1), { status: 'undeployed' });
    assert.deepEqual(of('alpha', 3), { status: 'undeployed' });
    assert.deepEqual(of('alpha', 0), {
      status: 'deployed',
      version: '1.0.0+1',
      chaos: 'false',
      chaosVersion: 'unknown',
      services: 1,
      running: 1,
      desired: 1,
    });
    // Recipe "hello" is cloned with a newer tag; but app 0 is "unfetched": only odd apps are hello.
    assert.equal(of('alpha', 0)?.upgrade, undefined);
    assert.equal(of('beta', 5)?.status, 'undeployed');
    assert.equal(of('missing', 0)?.status, 'unknown');
    assert.match(of('missing', 0)?.reason ?? '', /No Docker engine at .*nothing-here\.sock/);
    assert.equal(of('stuck', 7)?.status, 'unknown');
    assert.match(of('stuck', 7)?.reason ?? '', /did not answer GET \/services within 0\.3s/);
    assert.equal(statuses.size, 4 * APPS_PER_SERVER);
  });

  it('offers the newest local tag above the deployed version', async () => {
    engines.get('alpha')?.requests.splice(0);
    const { deps: d, clients } = deps();
    const app: LocalApp = { ...(appsOn('alpha')[2] as LocalApp), recipe: 'hello' };
    const statuses = await appStatuses({ offline: false }, d)([app]);
    for (const c of clients) c.close();
    assert.equal(statuses.get(appKey(app))?.upgrade, '1.1.0+1');
  });

  it('--offline contacts nobody and reads no recipe', async () => {
    for (const e of engines.values()) e.requests.splice(0);
    const { deps: d, clients, gitCalls } = deps();
    const statuses = await appStatuses({ offline: true }, d)([...appsOn('alpha'), ...appsOn('beta')]);
    assert.equal(clients.length, 0);
    assert.deepEqual(gitCalls, []);
    for (const e of engines.values()) assert.deepEqual(e.requests, []);
    assert.deepEqual(
      [...new Set([...statuses.values()].map((s) => JSON.stringify(s)))],
      [JSON.stringify({ status: 'unknown', reason: 'not contacted (--offline)' })],
    );
  });
});
