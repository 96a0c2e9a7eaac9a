import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { freePort, HelloWorld, httpGet } from '../helpers/hello-world.js';
import { startWeb, stopWeb } from '../helpers/web-process.js';
import { cleanupBackupWorld, serviceExec } from './backup-helpers.js';

// The dashboard in a real browser (Debian's chromium driven by playwright-core): an admin
// signs in, creates an app from a two-release recipe with the "new app" form, deploys it and
// watches it converge, reads its logs, upgrades it (release notes shown), takes and restores a
// backup, and reads its history; a viewer gets no deploy button and a forged POST is refused
// and audited. Screenshots of the main pages go to .scratch/screenshots/.

const V1 = '1.0.0+1';
const V2 = '1.1.0+1';
const SHOTS = new URL('../../.scratch/screenshots/', import.meta.url).pathname;
const _BIN = new URL('../../bin/abra.js', import.meta.url).pathname;

const release = (version: string) => (c: string) =>
  c
    .replace('RECIPE_VERSION=${APP_VERSION:-1.0.0}', `RECIPE_VERSION=${version}`)
    // A log line with markup in it: the logs page must show it as text.
    .replace(
      'exec httpd -f -p 8080 -h /www',
      'echo "started <b>bold</b> $$DOMAIN" && exec httpd -f -p 8080 -h /www',
    )
    .replace(
      'networks:\n  proxy:\n    external: true',
      'networks:\n  proxy:\n    external: true\n\nvolumes:\n  data:',
    )
    .replace(
      '    secrets:\n      - api_key\n',
      '    secrets:\n      - api_key\n    volumes:\n      - data:/data\n',
    )
    .replace(
      '        - "coop-cloud.${STACK_NAME}.timeout=${TIMEOUT:-120}"',
      '        - "coop-cloud.${STACK_NAME}.timeout=${TIMEOUT:-120}"\n        - "backupbot.backup=true"',
    );

let world: HelloWorld;
let domain: string;
let stack: string;
let web: ChildProcess;
let base: string;
let browser: Browser;
let hostPort: number;

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function signIn(page: Page, user: string, password: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/apps`);
}

/**
 * Click an action and follow its operation page until it ends. Returns whether progress lines
 * arrived over the event stream while it still ran, and the final state and lines.
 */
async function runOp(
  page: Page,
  click: () => Promise<void>,
): Promise<{ live: boolean; state: string; lines: string[] }> {
  await click();
  await page.waitForURL(/\/ops\/[0-9a-f]+$/);
  const live = await page
    .waitForFunction(
      "document.querySelector('#op-state')?.textContent === 'running' && document.querySelectorAll('#events li').length > 0",
      undefined,
      { timeout: 20_000 },
    )
    .then(() => true)
    .catch(() => false);
  await page.waitForFunction("document.querySelector('#op-state')?.textContent !== 'running'", undefined, {
    timeout: 240_000,
    polling: 500,
  });
  const state = (await page.locator('#op-state').textContent()) ?? '';
  const lines = await page.locator('#events li').allTextContents();
  return { live, state, lines };
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  world = new HelloWorld([
    { tag: V1, edit: release(V1) },
    { tag: V2, edit: release(V2), files: { 'release/1.1.0+1': 'Adds <em>a data volume</em> to back up.\n' } },
  ]);
  world.env.ABRA_RESTIC_IMAGE = 'abra-lab/restic:1';
  // Registered for cleanup; the form creates the env file itself.
  domain = world.app('web');
  rmSync(world.envPath(domain));
  stack = world.stack(domain);
  for (const args of [
    ['server', 'backup-config', 'default', '--repository', join(world.home, 'repo')],
    ['server', 'backup-init', 'default'],
  ]) {
    const r = await world.run(...args);
    assert.equal(r.code, 0, r.stderr);
  }
  for (const [name, role, pw] of [
    ['ada', 'admin', 'ada password 1'],
    ['vic', 'viewer', 'vic password 1'],
  ] as const) {
    const { abra } = await import('../helpers/cli.js');
    const r = await abra(['web', 'user', 'add', name, '--role', role], world.env, `${pw}\n`);
    assert.equal(r.code, 0, r.stderr);
  }
  const port = await freePort();
  hostPort = await freePort();
  base = `http://127.0.0.1:${port}`;
  web = await startWeb(world.env, port);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
});

after(async () => {
  await browser?.close();
  if (web) await stopWeb(web);
  cleanupBackupWorld(world, stack);
});

describe('abra web in a browser', () => {
  let page: Page;
  const liveSeen: boolean[] = [];

  it('signs in and creates an app from a recipe with the "new app" form', async () => {
    // The tests' string predicates are evaluated in the page; its CSP (script-src 'self') forbids eval.
    page = await browser.newPage({ bypassCSP: true });
    await page.goto(`${base}/login`);
    await shot(page, '01-login');
    await signIn(page, 'ada', 'ada password 1');
    await page.getByRole('link', { name: 'Recipes' }).click();
    await page.waitForURL(`${base}/recipes`);
    await shot(page, '02-recipes');
    await page.getByRole('link', { name: 'New app…' }).first().click();
    await page.waitForURL(/\/new\?recipe=hello/);
    await page.getByLabel('Server').selectOption('default');
    await page.getByLabel("Domain (the app's name)").fill(domain);
    await page.getByLabel('Version (empty: the newest release)').fill(V1);
    await page.getByLabel('Generate its secrets now').check();
    await shot(page, '03-new-app');
    await page.getByRole('button', { name: 'Create the app' }).click();
    await page.waitForURL(`${base}/apps/${domain}`);
    const env = readFileSync(world.envPath(domain), 'utf8');
    assert.match(env, new RegExp(`TYPE=hello:${V1.replace('+', '\\+')}`));
  });

  it('edits its env file in the config editor (checked before saving) and lists its secrets', async () => {
    // Host-mode ports: this lab has no ingress. A file the recipe lacks is refused first.
    await page.goto(`${base}/apps/${domain}`);
    await page.getByRole('link', { name: 'Config' }).click();
    await page.waitForURL(`${base}/apps/${domain}/config`);
    const editor = page.getByLabel(/^Env file/);
    const before = await editor.inputValue();
    await editor.fill(`${before}COMPOSE_FILE=compose.yml:compose.nope.yml\n`);
    await page.getByRole('button', { name: 'Save the env file' }).click();
    assert.match((await page.getByRole('alert').textContent()) ?? '', /compose\.nope\.yml/);
    assert.doesNotMatch(
      readFileSync(world.envPath(domain), 'utf8'),
      /^COMPOSE_FILE/m,
      'refused edit not saved',
    );
    await page
      .getByLabel(/^Env file/)
      .fill(`${before}COMPOSE_FILE=compose.yml:compose.host.yml\nHOST_PORT=${hostPort}\nTIMEOUT=90\n`);
    await page.getByRole('button', { name: 'Save the env file' }).click();
    await page.waitForURL(`${base}/apps/${domain}/config?saved=1`);
    await shot(page, '03b-config');
    const env = readFileSync(world.envPath(domain), 'utf8');
    assert.ok(env.endsWith(`COMPOSE_FILE=compose.yml:compose.host.yml\nHOST_PORT=${hostPort}\nTIMEOUT=90\n`));
    assert.ok(!env.includes('\r'), 'no CRLF from the browser');
    assert.equal(statSync(world.envPath(domain)).mode & 0o777, 0o600);
    await page.goto(`${base}/apps/${domain}/secrets`);
    const secrets = (await page.locator('main').textContent()) ?? '';
    assert.match(secrets, /api_key\s*v1.*present/s);
    await shot(page, '03c-secrets');
    // Rotation: a new version on the swarm, the env pointed at it (modifiers kept), no value shown.
    const rotated = await runOp(page, () => page.getByRole('button', { name: 'Rotate api_key' }).click());
    assert.equal(rotated.state, 'ok', rotated.lines.join('\n'));
    assert.match(readFileSync(world.envPath(domain), 'utf8'), /^SECRET_API_KEY_VERSION=v2 # length=32$/m);
    assert.ok(world.objects(domain).secrets.includes(`${stack}_api_key_v2`));
    await page.goto(`${base}/apps/${domain}/secrets`);
    assert.match(
      (await page.locator('main').textContent()) ?? '',
      /api_key\s*v2.*present.*Other versions.*_api_key_v1/s,
    );
  });

  it('deploys it and watches it converge', async () => {
    await page.goto(`${base}/apps/${domain}`);
    const op = await runOp(page, () => page.getByRole('button', { name: 'Deploy' }).click());
    liveSeen.push(op.live);
    await shot(page, '04-deploy-operation');
    assert.equal(op.state, 'ok', op.lines.join('\n'));
    assert.ok(
      op.lines.some((l) => /converged|Waiting up to/.test(l)),
      op.lines.join('\n'),
    );
    assert.match(await httpGet(hostPort), new RegExp(`hello from ${domain} \\(${V1.replace('+', '\\+')}\\)`));
    await page.goto(`${base}/apps/${domain}`);
    assert.match((await page.locator('main').textContent()) ?? '', /running/);
    // Services and tasks refresh in place while the page is open.
    const refresh = await page.waitForResponse((r) => r.url().endsWith(`/apps/${domain}/services`), {
      timeout: 15_000,
    });
    assert.equal(refresh.status(), 200);
    assert.match((await page.locator('#services').textContent()) ?? '', /running/);
    await shot(page, '05-app');
  });

  it('reads its logs, markup shown as text', async () => {
    await page.goto(`${base}/apps/${domain}/logs`);
    const pre = page.locator('#logs');
    await page.waitForFunction(
      "/started <b>bold<\\/b>/.test(document.querySelector('#logs')?.textContent ?? '')",
      undefined,
      {
        timeout: 30_000,
      },
    );
    assert.equal(await pre.locator('b').count(), 0, 'a log line never becomes markup');
    await shot(page, '06-logs');
  });

  it('upgrades it, with the release notes shown first', async () => {
    await page.goto(`${base}/apps/${domain}`);
    await page.getByRole('link', { name: 'Upgrade…' }).click();
    await page.waitForURL(`${base}/apps/${domain}/upgrade`);
    const notes = (await page.locator('main').textContent()) ?? '';
    assert.match(notes, /Adds <em>a data volume<\/em> to back up\./, 'notes shown, as text');
    await shot(page, '07-upgrade');
    const op = await runOp(page, () =>
      page.getByRole('button', { name: 'Upgrade to the chosen version' }).click(),
    );
    liveSeen.push(op.live);
    assert.equal(op.state, 'ok', op.lines.join('\n'));
    assert.match(await httpGet(hostPort), new RegExp(`\\(${V2.replace('+', '\\+')}\\)`));
    assert.match(readFileSync(world.envPath(domain), 'utf8'), /TYPE=hello:1\.1\.0\+1/);
    assert.ok(liveSeen.some(Boolean), 'progress arrived over the event stream while an operation ran');
  });

  it('takes a backup and restores it', async () => {
    serviceExec(stack, 'app', 'echo before > /data/marker');
    await page.goto(`${base}/apps/${domain}/backups`);
    const op = await runOp(page, () => page.getByRole('button', { name: 'Back up now' }).click());
    assert.equal(op.state, 'ok', op.lines.join('\n'));
    const snapshot = /snapshot ([0-9a-f]{8})/.exec((await page.locator('main').textContent()) ?? '')?.[1];
    assert.ok(snapshot, 'the result names the snapshot');
    serviceExec(stack, 'app', 'echo after > /data/marker');
    await page.goto(`${base}/apps/${domain}/backups`);
    await shot(page, '08-backups');
    const restore = await runOp(page, () =>
      page.getByRole('button', { name: `Restore ${snapshot}` }).click(),
    );
    assert.equal(restore.state, 'ok', restore.lines.join('\n'));
    assert.equal(serviceExec(stack, 'app', 'cat /data/marker').trim(), 'before');
  });

  it('shows the history under the web user, with the operations page surviving a reload', async () => {
    await page.goto(`${base}/apps/${domain}/history`);
    const text = (await page.locator('main').textContent()) ?? '';
    for (const cmd of [
      'app config',
      'web secret rotate',
      'app deploy',
      'app upgrade',
      'app backup create',
      'app restore',
    ])
      assert.ok(text.includes(cmd), `${cmd} in the history`);
    assert.match(text, /ada \(web@/);
    await shot(page, '09-history');
    await page.goto(`${base}/ops`);
    assert.equal(await page.locator('tbody tr').count(), 5, 'every operation is still listed');
    await shot(page, '10-operations');
    await page.goto(`${base}/apps`);
    assert.match((await page.locator('main').textContent()) ?? '', new RegExp(domain.replaceAll('.', '\\.')));
    await shot(page, '11-apps');
    await page.goto(`${base}/servers`);
    await shot(page, '12-servers');
    await page.getByRole('link', { name: 'default', exact: true }).click();
    await page.waitForURL(`${base}/servers/default`);
    const server = (await page.locator('main').textContent()) ?? '';
    assert.match(server, /Nodes.*manager.*Disk.*Images.*Volumes.*Proxy.*Network proxy: present/s);
    await shot(page, '12b-server');
  });

  it('refuses a viewer the deploy button and the POST, and audits the attempt', async () => {
    const ctx = await browser.newContext();
    const viewer = await ctx.newPage();
    await signIn(viewer, 'vic', 'vic password 1');
    await viewer.goto(`${base}/apps/${domain}`);
    assert.equal(await viewer.getByRole('button', { name: /Deploy|Redeploy/ }).count(), 0);
    await shot(viewer, '13-viewer-app');
    const csrf = await viewer.locator('input[name=_csrf]').first().inputValue();
    const res = await viewer.request.post(`${base}/apps/${domain}/deploy`, { form: { _csrf: csrf } });
    assert.equal(res.status(), 403);
    const noToken = await viewer.request.post(`${base}/apps/${domain}/deploy`, { form: {} });
    assert.equal(noToken.status(), 403);
    await viewer.goto(`${base}/apps/${domain}/history`);
    assert.match(
      (await viewer.locator('main').textContent()) ?? '',
      /vic \(web@[^)]*\).*refused by abra web/s,
    );
    await ctx.close();
  });
});
