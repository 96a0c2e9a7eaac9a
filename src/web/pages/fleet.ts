import type { Hono } from 'hono';
import { errorMessage } from '../../errors.js';
import { appNew } from '../../services/app/new.js';
import { recipeDeps } from '../../services/recipe/deps.js';
import { recipeList } from '../../services/recipe/list.js';
import { serverList } from '../../services/server/list.js';
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
    const body = html`<table><thead><tr><th scope="col">Server</th><th scope="col">Host</th><th scope="col">Apps</th><th scope="col">Status</th></tr></thead>
<tbody>${rows.map((r) => html`<tr><td>${r.name}</td><td>${r.user ? `${r.user}@` : ''}${r.host}${r.port ? `:${r.port}` : ''}</td><td>${r.apps}</td><td>${r.status ? JSON.stringify(r.status) : '-'}</td></tr>`)}</tbody></table>`;
    return c.html(page('Servers', body, kit.pageUser(c), '/servers'));
  });

  app.get('/recipes', async (c) => {
    const rows = await recipeList(recipeDeps({ ...deps.base, events: () => undefined }));
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
        },
        { ...deps.base, argv, operator: webOperator(c.var.user.name), events: () => undefined },
      );
      return c.redirect(`/apps/${encodeURIComponent(res.app)}`, 303);
    } catch (err) {
      return c.html(await newForm(c, f.recipe ?? '', errorMessage(err), f), 400);
    }
  });
}
