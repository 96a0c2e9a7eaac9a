import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { describeDeployed } from '../../domain/status/app-status.js';
import { errorMessage, isExpectedError } from '../../errors.js';
import { appHistory } from '../../services/app/history.js';
import { appList, type ListedApp } from '../../services/app/list.js';
import { appLogs } from '../../services/app/logs.js';
import { appPs } from '../../services/app/ps.js';
import { appRestart } from '../../services/app/restart.js';
import { appStatuses } from '../../services/app/status.js';
import { appUndeploy } from '../../services/app/undeploy.js';
import { appBackupCreate } from '../../services/backup/create.js';
import { appRestore } from '../../services/backup/restore.js';
import { appBackupList } from '../../services/backup/snapshots.js';
import { appDeploy } from '../../services/deploy/deploy.js';
import { appMove } from '../../services/release/upgrade.js';
import type { WebContext, WebEnv, WebKit } from '../app.js';
import { type Action, may } from '../auth/roles.js';
import { type HtmlValue, html } from '../html.js';
import { actionForm, csrfField, notice, page } from '../layout.js';
import type { OpContext } from '../ops.js';
import { appServer } from './lookup.js';

// How long the apps page waits for a server: a silent one must not hold the page.
const STATUS_TIMEOUT_MS = 8000;

export function appRoutes(app: Hono<WebEnv>, kit: WebKit): void {
  const { deps } = kit;

  app.get('/apps', async (c) => {
    const user = c.var.user;
    const status = appStatuses({ offline: false, timeoutMs: STATUS_TIMEOUT_MS }, deps.base);
    const listing = await appList({}, deps.base, status);
    const groups = Object.entries(listing).filter(([server]) => may(user, 'view', server));
    const body = groups.length
      ? groups.map(
          ([
            server,
            g,
          ]) => html`<section><h2>${server} <small>(${g.appCount} apps, ${g.upgradeCount ?? 0} upgradeable)</small></h2>
<table><thead><tr><th scope="col">App</th><th scope="col">Recipe</th><th scope="col">Status</th><th scope="col">Version</th><th scope="col">Tasks</th><th scope="col">Upgrade</th></tr></thead>
<tbody>${g.apps.map(appRow)}</tbody></table></section>`,
        )
      : html`<p>No apps yet. ${may(user, 'new-app') ? html`<a href="/recipes">Create one from a recipe</a>.` : ''}</p>`;
    return c.html(page('Apps', body, kit.pageUser(c), '/apps'));
  });

  app.get('/apps/:app', async (c) => {
    const access = await kit.appAccess(c, 'view');
    if (access instanceof Response) return access;
    const { name, server } = access;
    const ps = await appPs({ app: name, all: false }, deps.base);
    const u = c.var.user;
    const csrf = c.var.session.csrf;
    const can = (a: Action) => may(u, a, server);
    const actions = [
      can('deploy') ? actionForm(`/apps/${name}/deploy`, ps.deployed ? 'Redeploy' : 'Deploy', csrf) : '',
      can('upgrade') && ps.deployed ? html`<a href="/apps/${name}/upgrade">Upgrade…</a>` : '',
      can('rollback') && ps.deployed ? actionForm(`/apps/${name}/rollback`, 'Roll back', csrf) : '',
      can('restart') && ps.deployed ? actionForm(`/apps/${name}/restart`, 'Restart all services', csrf) : '',
      can('undeploy') && ps.deployed ? actionForm(`/apps/${name}/undeploy`, 'Undeploy', csrf) : '',
    ];
    const body = html`<p>Server ${server}. ${ps.deployment ? ps.deployment.summary : 'Not deployed.'}</p>
<nav aria-label="App"><ul class="actions"><li><a href="/apps/${name}/logs">Logs</a></li><li><a href="/apps/${name}/backups">Backups</a></li><li><a href="/apps/${name}/secrets">Secrets</a></li>${can('config') ? html`<li><a href="/apps/${name}/config">Config</a></li>` : ''}<li><a href="/apps/${name}/history">History</a></li></ul></nav>
<div class="actions" id="app-actions">${actions}</div>
<h2>Services and tasks</h2>
${servicesSection(name, ps)}`;
    return c.html(page(name, body, kit.pageUser(c), '/apps'));
  });

  // The services section alone: the app page refreshes it in place (htmx, every few seconds).
  app.get('/apps/:app/services', async (c) => {
    const access = await kit.appAccess(c, 'view');
    if (access instanceof Response) return access;
    const { name } = access;
    // A failed refresh says why and keeps refreshing: the server may come back.
    const ps = await appPs({ app: name, all: false }, deps.base).catch((err: unknown) => {
      if (!isExpectedError(err)) throw err;
      return errorMessage(err);
    });
    return c.html(servicesSection(name, ps).toString());
  });

  app.get('/apps/:app/upgrade', async (c) => {
    const access = await kit.appAccess(c, 'upgrade');
    if (access instanceof Response) return access;
    const { name } = access;
    const res = await appMove(
      {
        app: name,
        direction: 'upgrade',
        releaseNotesOnly: true,
        chaos: false,
        force: false,
        noDomainChecks: true,
        noConvergeChecks: false,
        noInput: true,
        forceUnlock: false,
      },
      { ...deps.base, events: () => undefined },
    );
    const body = res.to
      ? html`<p>${name} runs ${res.from}. Newer releases: ${res.candidates.join(', ')}.</p>
${res.majorBump ? notice('error', 'This is a new major version of the recipe: read the notes before upgrading.') : ''}
<h2>Release notes</h2>${res.notes.map((n) => html`<h3>${n.version}</h3><pre>${n.text || '(no notes)'}</pre>`)}
<form method="post" action="/apps/${name}/upgrade" class="stack">${csrfField(c.var.session.csrf)}
<label for="version">Version</label><select id="version" name="version">${res.candidates.map((v) => html`<option${v === res.to ? html` selected` : ''}>${v}</option>`)}</select>
<p><button type="submit">Upgrade to the chosen version</button></p></form>`
      : html`<p>${name} runs ${res.from}, the newest release.</p>`;
    return c.html(page(`Upgrade ${name}`, body, kit.pageUser(c), '/apps'));
  });

  /** A change to an app: checked, then run in the registry; the browser goes to its page. */
  const operation =
    (
      action: Action,
      argv: (name: string, form: Record<string, string>) => string[],
      run: (name: string, form: Record<string, string>, d: ReturnType<typeof deps.forOp>) => Promise<string>,
    ) =>
    async (c: WebContext) => {
      const name = c.req.param('app') ?? '';
      const server = await appServer(name, deps.base);
      const user = c.var.user;
      if (!may(user, action, server))
        return kit.refuse(
          c,
          action,
          { app: name, server },
          `${user.name} (${user.role}) may not ${action} ${name}`,
        );
      const form = c.var.form ?? {};
      const words = argv(name, form);
      const op = kit.ops.start({ kind: action, app: name, server, user: user.name }, (ctx: OpContext) =>
        run(name, form, deps.forOp(user.name, words, ctx)),
      );
      return c.redirect(`/ops/${op.id}`, 303);
    };

  const moveOpts = {
    releaseNotesOnly: false,
    chaos: false,
    force: false,
    noDomainChecks: true,
    noConvergeChecks: false,
    noInput: true,
    forceUnlock: false,
  };
  app.post(
    '/apps/:app/deploy',
    operation(
      'deploy',
      (n) => ['app', 'deploy', n, '-n'],
      async (n, _f, d) => {
        const r = await appDeploy(
          {
            app: n,
            version: undefined,
            chaos: false,
            force: false,
            prune: false,
            noDomainChecks: true,
            noConvergeChecks: false,
            ignoreEnvVersion: false,
            noInput: true,
            forceUnlock: false,
          },
          d,
        );
        return `Deployed ${r.app} ${r.version} on ${r.server} in ${(r.durationMs / 1000).toFixed(1)}s.`;
      },
    ),
  );
  app.post(
    '/apps/:app/upgrade',
    operation(
      'upgrade',
      (n, f) => ['app', 'upgrade', n, ...(f.version ? [f.version] : []), '-n'],
      async (n, f, d) => {
        const r = await appMove(
          { app: n, direction: 'upgrade', version: f.version || undefined, ...moveOpts },
          d,
        );
        return r.deploy
          ? `Upgraded ${r.app}: ${r.from} -> ${r.deploy.version}.`
          : `${r.app} already runs the newest release.`;
      },
    ),
  );
  app.post(
    '/apps/:app/rollback',
    operation(
      'rollback',
      (n) => ['app', 'rollback', n, '-n'],
      async (n, _f, d) => {
        const r = await appMove({ app: n, direction: 'rollback', version: undefined, ...moveOpts }, d);
        return r.deploy ? `Rolled back ${r.app}: ${r.from} -> ${r.deploy.version}.` : `Nothing to roll back.`;
      },
    ),
  );
  app.post(
    '/apps/:app/restart',
    operation(
      'restart',
      (n) => ['app', 'restart', n, '--all-services'],
      async (n, _f, d) => {
        const r = await appRestart({ app: n, all: true, argv: d.argv }, d);
        return `Restarted ${r.services.join(', ')} of ${r.app}${r.ok ? '' : ' (not all converged)'}.`;
      },
    ),
  );
  app.post(
    '/apps/:app/undeploy',
    operation(
      'undeploy',
      (n) => ['app', 'undeploy', n, '-n'],
      async (n, _f, d) => {
        const r = await appUndeploy({ app: n, noInput: true, argv: d.argv }, d);
        return `Undeployed ${r.app}: removed ${r.services.length} service(s).`;
      },
    ),
  );
  app.post(
    '/apps/:app/backup',
    operation(
      'backup',
      (n) => ['app', 'backup', 'create', n],
      async (n, _f, d) => {
        const r = await appBackupCreate({ app: n, argv: d.argv }, d);
        return `Backed up ${r.app}: snapshot ${r.snapshots.map((s) => s.summary.snapshotId.slice(0, 8)).join(', ')}.`;
      },
    ),
  );
  app.post(
    '/apps/:app/restore',
    operation(
      'restore',
      (n, f) => ['app', 'restore', n, ...(f.snapshot ? [f.snapshot] : [])],
      async (n, f, d) => {
        const r = await appRestore({ app: n, snapshot: f.snapshot || undefined, argv: d.argv }, d);
        return `Restored ${r.services.join(', ')} of ${r.app} from snapshot ${r.snapshot.shortId}.`;
      },
    ),
  );

  app.get('/apps/:app/logs', async (c) => {
    const access = await kit.appAccess(c, 'logs', (user, server) => `${user} may not read logs on ${server}`);
    if (access instanceof Response) return access;
    const { name } = access;
    // The last lines, rendered by the server (readable without JavaScript), then followed.
    const lines: string[] = [];
    let problem = '';
    try {
      for await (const l of appLogs(
        { app: name, follow: false, tail: '100', stderrOnly: false, timestamps: false },
        deps.base,
      ))
        lines.push(`${l.service} | ${l.line}`);
    } catch (err) {
      problem = errorMessage(err);
    }
    const body = html`${problem ? notice('error', problem) : ''}<p><a href="/apps/${name}">Back to ${name}</a></p>
<pre id="logs" aria-live="off" tabindex="0" data-sse="/apps/${name}/logs/stream">${lines.join('\n')}${lines.length ? '\n' : ''}</pre>`;
    return c.html(page(`Logs of ${name}`, body, kit.pageUser(c), '/apps'));
  });

  app.get('/apps/:app/logs/stream', async (c) => {
    const name = c.req.param('app');
    const server = await appServer(name, deps.base);
    if (!may(c.var.user, 'logs', server)) return c.text('Forbidden', 403);
    return streamSSE(c, async (stream) => {
      const abort = new AbortController();
      stream.onAbort(() => abort.abort());
      try {
        for await (const l of appLogs(
          {
            app: name,
            follow: true,
            since: String(Math.floor(Date.now() / 1000)),
            stderrOnly: false,
            timestamps: false,
            signal: abort.signal,
          },
          deps.base,
        )) {
          if (stream.aborted) break;
          await stream.writeSSE({ event: 'line', data: `${l.service} | ${l.line}`.replace(/[\r\n]+/g, ' ') });
        }
      } catch (err) {
        if (!abort.signal.aborted)
          await stream.writeSSE({ event: 'line', data: `error: ${errorMessage(err)}` });
      }
      abort.abort();
    });
  });

  app.get('/apps/:app/backups', async (c) => {
    const access = await kit.appAccess(c, 'view');
    if (access instanceof Response) return access;
    const { name, server } = access;
    const csrf = c.var.session.csrf;
    let body: ReturnType<typeof html>;
    try {
      const res = await appBackupList({ app: name }, deps.base);
      const canRestore = may(c.var.user, 'restore', server);
      body = html`<p>Repository ${res.repository}.</p>
${may(c.var.user, 'backup', server) ? html`<div class="actions">${actionForm(`/apps/${name}/backup`, 'Back up now', csrf)}</div>` : ''}
${
  res.snapshots.length
    ? html`<table><thead><tr><th scope="col">Snapshot</th><th scope="col">Time</th><th scope="col">Paths</th><th scope="col">Restore</th></tr></thead><tbody>${res.snapshots.map(
        (s) =>
          html`<tr><td>${s.shortId}</td><td>${s.time}</td><td>${s.paths.join(' ')}</td><td>${canRestore ? actionForm(`/apps/${name}/restore`, `Restore ${s.shortId}`, csrf, html`<input type="hidden" name="snapshot" value="${s.shortId}">`) : '-'}</td></tr>`,
      )}</tbody></table>`
    : html`<p>No snapshots yet.</p>`
}`;
    } catch (err) {
      body = notice('error', errorMessage(err));
    }
    return c.html(
      page(
        `Backups of ${name}`,
        html`<p><a href="/apps/${name}">Back to ${name}</a></p>${body}`,
        kit.pageUser(c),
        '/apps',
      ),
    );
  });

  app.get('/apps/:app/history', async (c) => {
    const access = await kit.appAccess(c, 'view');
    if (access instanceof Response) return access;
    const { name } = access;
    const res = await appHistory({ app: name, limit: 100 }, { ...deps.base, events: () => undefined });
    const rows = [...res.entries]
      .reverse()
      .map(
        (e) =>
          html`<tr><td>${e.time}</td><td>${e.operator}</td><td>${e.command.join(' ')}</td><td>${e.version?.from ?? ''}${e.version?.to ? ` → ${e.version.to}` : ''}</td><td class="${e.result}">${e.result}</td><td>${e.message ?? ''}</td></tr>`,
      );
    const body = html`<p><a href="/apps/${name}">Back to ${name}</a>. Source: ${res.source === 'server' ? 'the log kept on the server' : 'this machine only'}.</p>
<table><thead><tr><th scope="col">Time</th><th scope="col">Who</th><th scope="col">Command</th><th scope="col">Version</th><th scope="col">Result</th><th scope="col">Message</th></tr></thead><tbody>${rows}</tbody></table>`;
    return c.html(page(`History of ${name}`, body, kit.pageUser(c), '/apps'));
  });
}

// Live without a script of our own: htmx re-fetches the section; without JavaScript, a reload does.
function servicesSection(name: string, ps: Awaited<ReturnType<typeof appPs>> | string) {
  const frame = (inner: HtmlValue) =>
    html`<section id="services" hx-get="/apps/${name}/services" hx-trigger="every 5s" hx-swap="outerHTML">${inner}</section>`;
  if (typeof ps === 'string') return frame(notice('error', ps));
  const rows = ps.services.map(
    (
      s,
    ) => html`<tr><td>${s.service}</td><td>${s.image}</td><td>${s.replicas}</td><td>${s.version ?? '-'}</td><td>${s.updateState ?? '-'}</td>
<td><ul>${s.tasks.map((t) => html`<li>${t.state}${t.error ? html` <span class="error">${t.error}</span>` : ''} on ${t.nodeName ?? '?'} since ${t.since}</li>`)}</ul></td></tr>`,
  );
  return frame(
    ps.services.length
      ? html`<table><thead><tr><th scope="col">Service</th><th scope="col">Image</th><th scope="col">Replicas</th><th scope="col">Version</th><th scope="col">Update</th><th scope="col">Tasks</th></tr></thead><tbody>${rows}</tbody></table>`
      : html`<p>No services running.</p>`,
  );
}

function appRow(a: ListedApp) {
  const version = a.status === 'deployed' ? describeDeployed(a) : '-';
  const upgrade =
    a.upgrade && a.upgrade !== 'latest' ? html`<strong>${a.upgrade} available</strong>` : (a.upgrade ?? '-');
  return html`<tr><td><a href="/apps/${a.appName}">${a.appName}</a></td><td>${a.recipe || '?'}</td>
<td>${a.status ?? 'unknown'}${a.reason ? html` <span class="info">(${a.reason})</span>` : ''}</td><td>${version}</td>
<td>${a.desired === undefined ? '-' : `${a.running ?? 0}/${a.desired}`}</td><td>${upgrade}</td></tr>`;
}
