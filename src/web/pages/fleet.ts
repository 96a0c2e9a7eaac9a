import type { Hono } from 'hono';
import { type DiskSummary, formatBytes } from '../../domain/status/server-overview.js';
import { errorMessage } from '../../errors.js';
import { appNew } from '../../services/app/new.js';
import { recipeDeps } from '../../services/recipe/deps.js';
import { recipeList } from '../../services/recipe/list.js';
import { serverList } from '../../services/server/list.js';
import type { NodeRow } from '../../services/server/nodes.js';
import { serverOverview } from '../../services/server/overview.js';
import type { WebEnv, WebKit } from '../app.js';
import { may, mayReach } from '../auth/roles.js';
import { webOperator } from '../context.js';
import { html } from '../html.js';
import { csrfField, notice, page } from '../layout.js';

/** Servers, recipes and the "new app" form. */
export function fleetRoutes(app: Hono<WebEnv>, kit: WebKit): void {
  const { deps } = kit;

  app.get('/servers', async (c) => {
    const rows = (await serverList({ offline: false }, deps.base)).filter((r) =>
      mayReach(c.var.user, r.name),
    );
    const body = html`<table><thead><tr><th scope="col">Server</th><th scope="col">Host</th><th scope="col">Apps</th><th scope="col">Docker</th><th scope="col">Swarm</th><th scope="col">Nodes</th><th scope="col">Proxy network</th></tr></thead>
<tbody>${rows.map((r) => {
      const s = r.status;
      const down = s && !s.reachable;
      return html`<tr><td><a href="/servers/${r.name}">${r.name}</a></td><td>${r.user ? `${r.user}@` : ''}${r.host}${r.port ? `:${r.port}` : ''}</td><td>${r.apps}</td>
${down ? html`<td colspan="4" class="error">unreachable: ${s.error?.message ?? ''}</td>` : html`<td>${s?.dockerVersion ?? '-'}</td><td>${s?.swarm ?? '-'}${s?.swarmManager ? ' (manager)' : ''}</td><td>${s?.nodes ?? '-'}</td><td>${s?.proxyNetwork === undefined ? '-' : s.proxyNetwork ? 'yes' : html`<span class="error">missing</span>`}</td>`}</tr>`;
    })}</tbody></table>`;
    return c.html(page('Servers', body, kit.pageUser(c), '/servers'));
  });

  app.get('/servers/:server', async (c) => {
    const name = c.req.param('server');
    if (!mayReach(c.var.user, name))
      return kit.refuse(c, 'view', { server: name }, `${c.var.user.name} may not see ${name}`);
    const o = await serverOverview({ server: name }, deps.base);
    const failure = (x: object) => ('error' in x ? notice('error', String(x.error)) : undefined);
    const nodes =
      failure(o.nodes) ??
      html`<table><thead><tr><th scope="col">Node</th><th scope="col">Role</th><th scope="col">Availability</th><th scope="col">State</th><th scope="col">Address</th><th scope="col">Engine</th><th scope="col">Tasks</th></tr></thead>
<tbody>${(o.nodes as NodeRow[]).map((n) => html`<tr><td>${n.hostname}</td><td>${n.role}${n.leader ? ' (leader)' : ''}</td><td>${n.availability}</td><td>${n.state}</td><td>${n.address ?? '-'}</td><td>${n.engine ?? '-'}</td><td>${n.tasks}</td></tr>`)}</tbody></table>`;
    const d = o.disk as DiskSummary;
    const disk =
      failure(o.disk) ??
      html`<table><thead><tr><th scope="col">What</th><th scope="col">Count</th><th scope="col">Size</th><th scope="col">Unused</th></tr></thead><tbody>
<tr><td>Images</td><td>${d.images.count}</td><td>${formatBytes(d.images.bytes)}</td><td>${d.images.unused}</td></tr>
<tr><td>Containers</td><td>${d.containers.count} (${d.containers.running} running)</td><td>${formatBytes(d.containers.bytes)}</td><td>-</td></tr>
<tr><td>Volumes</td><td>${d.volumes.count}</td><td>${formatBytes(d.volumes.bytes)}</td><td>${d.volumes.unused}</td></tr>
<tr><td>Build cache</td><td>-</td><td>${formatBytes(d.buildCacheBytes)}</td><td>-</td></tr></tbody></table>`;
    const p = o.proxy as { network: boolean; publishers: { service: string; ports: string[] }[] };
    const proxy =
      failure(o.proxy) ??
      html`<p>Network <code>proxy</code>: ${p.network ? 'present' : html`<span class="error">missing</span> (create it with \`docker network create -d overlay --attachable proxy\` on the manager)`}.</p>
${p.publishers.length ? html`<ul>${p.publishers.map((x) => html`<li>${x.service}: ${x.ports.join(', ')}</li>`)}</ul>` : html`<p>No service publishes port 80 or 443: no proxy is deployed.</p>`}`;
    const s = o.status;
    const body = html`<p><a href="/servers">All servers</a></p>
<p>${s.reachable ? `Docker ${s.dockerVersion ?? '?'} (API ${s.apiVersion ?? '?'}), swarm ${s.swarm ?? '?'}${s.swarmManager ? ', manager' : ''}.` : html`<span class="error">Unreachable: ${s.error?.message ?? ''}</span> ${s.error?.hint ?? ''}`}</p>
<h2>Nodes</h2>${nodes}<h2>Disk (as the engine abra talks to sees it)</h2>${disk}<h2>Proxy</h2>${proxy}`;
    return c.html(page(`Server ${name}`, body, kit.pageUser(c), '/servers'));
  });

  app.get('/recipes', async (c) => {
    // A page never waits on git: the catalogue on disk is listed (`abra catalogue sync` refreshes it).
    const rows = await recipeList({ offline: true }, recipeDeps({ ...deps.base, events: () => undefined }));
    const canNew = may(c.var.user, 'new-app');
    const body = html`<table><thead><tr><th scope="col">Recipe</th><th scope="col">Latest</th><th scope="col">Fetched</th><th scope="col">Category</th><th scope="col"></th></tr></thead>
<tbody>${rows.map((r) => html`<tr><td>${r.name}</td><td>${r.latest ?? '-'}</td><td>${r.local ? 'yes' : 'no'}</td><td>${r.category ?? '-'}</td><td>${canNew && r.local ? html`<a href="/new?recipe=${encodeURIComponent(r.name)}">New app…</a>` : ''}</td></tr>`)}</tbody></table>`;
    return c.html(page('Recipes', body, kit.pageUser(c), '/recipes'));
  });

  const newForm = async (
    user: Parameters<typeof kit.pageUser>[0],
    recipe: string,
    error?: string,
    values: Record<string, string> = {},
  ) => {
    const servers = (await deps.base.servers.list())
      .map((s) => s.name)
      .filter((s) => mayReach(user.var.user, s));
    return page(
      'New app',
      html`${error ? notice('error', error) : ''}<form method="post" action="/new" class="stack">${csrfField(user.var.session.csrf)}
<label for="recipe">Recipe</label><input id="recipe" name="recipe" value="${values.recipe ?? recipe}" required>
<label for="server">Server</label><select id="server" name="server">${servers.map((s) => html`<option${values.server === s ? html` selected` : ''}>${s}</option>`)}</select>
<label for="domain">Domain (the app's name)</label><input id="domain" name="domain" value="${values.domain ?? ''}" required>
<label for="version">Version (empty: the newest release)</label><input id="version" name="version" value="${values.version ?? ''}">
<label><input type="checkbox" name="secrets" value="1"${values.secrets ? html` checked` : ''}> Generate its secrets now</label>
<p><button type="submit">Create the app</button></p></form>`,
      kit.pageUser(user),
      '/recipes',
    );
  };

  app.get('/new', async (c) => {
    if (!may(c.var.user, 'new-app'))
      return kit.refuse(c, 'new-app', {}, `${c.var.user.name} may not create apps`);
    return c.html(await newForm(c, c.req.query('recipe') ?? ''));
  });

  app.post('/new', async (c) => {
    const f = c.var.form;
    const server = f.server ?? '';
    if (!may(c.var.user, 'new-app', server))
      return kit.refuse(
        c,
        'new-app',
        server ? { server } : {},
        `${c.var.user.name} may not create apps on ${server}`,
      );
    const argv = [
      'app',
      'new',
      f.recipe ?? '',
      '--server',
      server,
      '--domain',
      f.domain ?? '',
      ...(f.secrets ? ['--secrets'] : []),
    ];
    try {
      const res = await appNew(
        {
          recipe: f.recipe,
          version: f.version || undefined,
          server,
          domain: f.domain,
          secrets: f.secrets === '1',
          chaos: false,
          // A recipe chosen from the catalogue is cloned, as `abra app new` does.
          offline: false,
        },
        { ...deps.base, argv, operator: webOperator(c.var.user.name), events: () => undefined },
      );
      return c.redirect(`/apps/${encodeURIComponent(res.app)}`, 303);
    } catch (err) {
      return c.html(await newForm(c, f.recipe ?? '', errorMessage(err), f), 400);
    }
  });
}
