import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createWebApp, SESSION_COOKIE } from '../../src/web/app.js';
import { LoginLimiter } from '../../src/web/auth/rate-limit.js';
import { WebUserStore } from '../../src/web/auth/users.js';
import { type WebDeps, webDeps } from '../../src/web/context.js';
import { OpRegistry } from '../../src/web/ops.js';
import { appRoutes } from '../../src/web/pages/apps.js';
import { fleetRoutes } from '../../src/web/pages/fleet.js';
import { settingsRoutes } from '../../src/web/pages/settings.js';

// The dashboard in process (no socket): requests through Hono's fetch. No engine is reachable
// (DOCKER_HOST names a missing socket), so pages show apps as unknown and nothing is changed.

const root = mkdtempSync(join(tmpdir(), 'abra-webapp-'));
const env = { ABRA_DIR: root, HOME: root, USER: 'shell-user', DOCKER_HOST: 'unix:///nonexistent-abra.sock' };
const EVIL = '<img src=x onerror=alert(1)>.example';
let deps: WebDeps;
let app: ReturnType<typeof createWebApp>['app'];
let other: ReturnType<typeof createWebApp>['app'];
let make: () => ReturnType<typeof createWebApp>['app'];

before(async () => {
  mkdirSync(join(root, 'servers', 'default'), { recursive: true });
  writeFileSync(join(root, 'servers', 'default', 'ok.example.env'), 'TYPE=hello\nDOMAIN=ok.example\n', {
    mode: 0o600,
  });
  writeFileSync(join(root, 'servers', 'default', `${EVIL}.env`), `TYPE=hello\nDOMAIN=${EVIL}\n`, {
    mode: 0o600,
  });
  const users = new WebUserStore(root);
  await users.add({ name: 'admin', password: 'admin password', role: 'admin' });
  await users.add({ name: 'vic', password: 'viewer password', role: 'viewer' });
  deps = webDeps(env, () => undefined);
  make = () => {
    const made = createWebApp({
      deps,
      users,
      ops: new OpRegistry(),
      secure: false,
      limiter: new LoginLimiter(3),
    });
    appRoutes(made.app, made.kit);
    fleetRoutes(made.app, made.kit);
    settingsRoutes(made.app, made.kit);
    return made.app;
  };
  app = make();
  other = make();
});
after(async () => {
  await deps.close();
  rmSync(root, { recursive: true, force: true });
});

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

async function login(user: string, password: string, on = app): Promise<{ cookie: string; csrf: string }> {
  const res = await on.request('/login', form({ user, password }));
  assert.equal(res.status, 303);
  const set = res.headers.get('set-cookie') ?? '';
  assert.match(set, /HttpOnly/);
  assert.match(set, /SameSite=Strict/);
  const cookie = set.split(';')[0] as string;
  const page = await (await on.request('/ops', { headers: { cookie } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
  assert.ok(csrf);
  return { cookie, csrf };
}

describe('web: the dashboard in process', () => {
  it('a wrong password and an unknown user get the same answer', async () => {
    const fresh = make();
    const a = await fresh.request('/login', form({ user: 'admin', password: 'nope nope' }));
    const b = await fresh.request('/login', form({ user: 'nobody', password: 'nope nope' }));
    assert.equal(a.status, 401);
    assert.equal(b.status, 401);
    assert.equal(await a.text(), await b.text());
    assert.equal(a.headers.get('set-cookie'), null);
  });

  it('limits failed sign-ins per account (429 with Retry-After), even with the right password', async () => {
    const limited = make();
    for (let i = 0; i < 3; i++)
      await limited.request('/login', form({ user: 'vic', password: `wrong ${i}` }));
    const res = await limited.request('/login', form({ user: 'vic', password: 'viewer password' }));
    assert.equal(res.status, 429);
    assert.ok(Number(res.headers.get('retry-after')) > 0);
  });

  it('pages need a session; a cookie from another instance is no session', async () => {
    const anon = await app.request('/apps');
    assert.equal(anon.status, 303);
    assert.equal(anon.headers.get('location'), '/login');
    const { cookie } = await login('admin', 'admin password', other);
    const res = await app.request('/apps', { headers: { cookie } });
    assert.equal(res.status, 303);
    assert.ok(cookie.startsWith(`${SESSION_COOKIE}=`));
  });

  it('escapes app names on the apps page and says why a server is unknown', async () => {
    const { cookie } = await login('admin', 'admin password');
    const res = await app.request('/apps', { headers: { cookie } });
    assert.equal(res.status, 200);
    const body = await res.text();
    assert.ok(!body.includes('<img src=x'), 'no markup from an app name');
    assert.ok(body.includes('&lt;img src=x onerror=alert(1)&gt;.example'));
    assert.match(body, /unknown/);
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/);
  });

  it('refuses a POST without the CSRF token (403), changing nothing', async () => {
    const { cookie } = await login('admin', 'admin password');
    const res = await app.request('/apps/ok.example/deploy', {
      ...form({}),
      headers: { ...form({}).headers, cookie },
    });
    assert.equal(res.status, 403);
    const wrong = await app.request('/apps/ok.example/deploy', {
      ...form({ _csrf: 'forged' }),
      headers: { ...form({}).headers, cookie },
    });
    assert.equal(wrong.status, 403);
    const ops = await (await app.request('/ops', { headers: { cookie } })).text();
    assert.match(ops, /No operation/);
  });

  it("refuses a viewer's deploy (403) and audits the refusal under the viewer's name", async () => {
    const viewerApp = other;
    const { cookie, csrf } = await login('vic', 'viewer password', viewerApp);
    const page = await (await viewerApp.request('/apps/ok.example', { headers: { cookie } })).text();
    assert.ok(!page.includes('/apps/ok.example/deploy'), 'no deploy button for a viewer');
    const res = await viewerApp.request('/apps/ok.example/deploy', {
      ...form({ _csrf: csrf }),
      headers: { ...form({}).headers, cookie },
    });
    assert.equal(res.status, 403);
    const log = readFileSync(join(root, 'audit.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const entry = log.find((e: { message?: string }) => e.message?.includes('refused by abra web'));
    assert.ok(entry, 'the refusal is in the audit log');
    assert.match(entry.operator, /^vic \(web@/);
    assert.equal(entry.app, 'ok.example');
    assert.equal(entry.result, 'failed');
  });

  it('serves only its own assets: traversal and unknown names are 404', async () => {
    const { cookie } = await login('admin', 'admin password');
    assert.equal((await app.request('/static/app.css')).status, 200);
    const htmx = await app.request('/static/htmx.min.js');
    assert.equal(htmx.status, 200);
    assert.match(await htmx.text(), /htmx/);
    for (const path of [
      '/static/..%2f..%2fpackage.json',
      '/static/../package.json',
      '/static/%2e%2e/users.json',
      '/static/a/b',
      '/static/constructor',
    ])
      assert.equal((await app.request(path, { headers: { cookie } })).status, 404, path);
  });

  it('edits an env file: shown escaped, saved atomically 0600 when valid, kept unchanged when not', async () => {
    const file = join(root, 'servers', 'default', 'ok.example.env');
    writeFileSync(file, 'TYPE=hello\nDOMAIN=ok.example\nNOTE=</textarea><b>x\n', { mode: 0o600 });
    const { cookie, csrf } = await login('admin', 'admin password');
    const shown = await (await app.request('/apps/ok.example/config', { headers: { cookie } })).text();
    assert.ok(shown.includes('NOTE=&lt;/textarea&gt;&lt;b&gt;x'), 'file content is text in the textarea');
    assert.ok(!shown.includes('</textarea><b>'));
    const base = /name="base" value="([0-9a-f]{64})"/.exec(shown)?.[1] as string;
    assert.ok(base);
    const post = (fields: Record<string, string>) =>
      app.request('/apps/ok.example/config', {
        ...form({ _csrf: csrf, ...fields }),
        headers: { ...form({}).headers, cookie },
      });

    // No recipe line: refused, the file as it was, the edit still in the form.
    const bad = await post({ base, text: 'DOMAIN=ok.example\r\nFOO=1' });
    assert.equal(bad.status, 400);
    const badBody = await bad.text();
    assert.match(badBody, /Not saved/);
    assert.ok(badBody.includes('FOO=1'));
    assert.equal(readFileSync(file, 'utf8'), 'TYPE=hello\nDOMAIN=ok.example\nNOTE=</textarea><b>x\n');

    // A browser's CRLF lines become the file's LF; saved, mode 0600, audited under the user.
    const ok = await post({ base, text: 'TYPE=hello\r\nDOMAIN=ok.example\r\nFOO=1' });
    assert.equal(ok.status, 200, 'saved with a warning: the recipe is not fetched here');
    assert.match(await ok.text(), /Saved\..*not fetched/s);
    assert.equal(readFileSync(file, 'utf8'), 'TYPE=hello\nDOMAIN=ok.example\nFOO=1\n');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const audit = readFileSync(join(root, 'audit.log'), 'utf8');
    assert.match(audit, /"app","config","ok\.example"/);

    // The old base no longer matches: a stale editor never overwrites a newer file.
    const stale = await post({ base, text: 'TYPE=hello\nDOMAIN=ok.example\nSTALE=1\n' });
    assert.equal(stale.status, 409);
    assert.doesNotMatch(readFileSync(file, 'utf8'), /STALE/);
  });

  it('keeps the env editor and secret generation from a viewer (403), and shows no secret values', async () => {
    const { cookie, csrf } = await login('vic', 'viewer password', other);
    const get = await other.request('/apps/ok.example/config', { headers: { cookie } });
    assert.equal(get.status, 403);
    const headers = { ...form({}).headers, cookie };
    const post = await other.request('/apps/ok.example/config', {
      ...form({ _csrf: csrf, base: 'x', text: 'TYPE=evil\n' }),
      headers,
    });
    assert.equal(post.status, 403);
    assert.doesNotMatch(readFileSync(join(root, 'servers', 'default', 'ok.example.env'), 'utf8'), /evil/);
    const gen = await other.request('/apps/ok.example/secrets/generate', {
      ...form({ _csrf: csrf, all: '1' }),
      headers,
    });
    assert.equal(gen.status, 403);
    const rotate = await other.request('/apps/ok.example/secrets/rotate', {
      ...form({ _csrf: csrf, name: 'api_key' }),
      headers,
    });
    assert.equal(rotate.status, 403);
    const secrets = await other.request('/apps/ok.example/secrets', { headers: { cookie } });
    assert.equal(secrets.status, 200);
    const text = await secrets.text();
    assert.match(text, /Values are never shown|role="alert"/);
    assert.ok(!text.includes('secrets/generate'), 'no generate button for a viewer');
  });

  it('servers page: each server with why it is unreachable; a server page names unknown servers', async () => {
    const { cookie } = await login('admin', 'admin password');
    const list = await (await app.request('/servers', { headers: { cookie } })).text();
    assert.match(list, /<a href="\/servers\/default">default<\/a>/);
    assert.match(list, /unreachable/);
    const one = await app.request('/servers/default', { headers: { cookie } });
    assert.equal(one.status, 200);
    assert.match(await one.text(), /Unreachable/);
    const unknown = await app.request('/servers/nope', { headers: { cookie } });
    assert.equal(unknown.status, 404);
    assert.match(await unknown.text(), /Unknown server &quot;nope&quot;/);
    const noApp = await app.request('/apps/missing.example/config', { headers: { cookie } });
    assert.equal(noApp.status, 404);
  });

  it("refreshes an app's services in place: a fragment that keeps polling, even when the engine is away", async () => {
    const { cookie } = await login('vic', 'viewer password');
    const res = await app.request('/apps/ok.example/services', { headers: { cookie } });
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.ok(text.startsWith('<section id="services"'), 'a fragment, not a page');
    assert.match(text, /hx-get="\/apps\/ok\.example\/services" hx-trigger="every 5s"/);
    assert.match(text, /role="alert"/);
  });
});
