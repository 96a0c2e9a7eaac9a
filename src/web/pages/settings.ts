import type { Hono } from 'hono';
import { errorMessage, isUserError } from '../../errors.js';
import { RecipeStore } from '../../infra/store/recipes.js';
import { type AppCheckResult, appCheck } from '../../services/app/check.js';
import { appConfigSave, appConfigText } from '../../services/app/config-form.js';
import { recordAudit } from '../../services/audit/record.js';
import { secretGenerate } from '../../services/secret/generate.js';
import { secretList } from '../../services/secret/list.js';
import { secretRotate } from '../../services/secret/rotate.js';
import type { WebContext, WebEnv, WebKit } from '../app.js';
import { may } from '../auth/roles.js';
import { webOperator } from '../context.js';
import { type Html, html } from '../html.js';
import { actionForm, csrfField, notice, page } from '../layout.js';
import { appServer } from './lookup.js';

/** One app's env editor (checked like `app config` and `app check`) and its secrets (names only; generate, rotate). */
export function settingsRoutes(app: Hono<WebEnv>, kit: WebKit): void {
  const { deps } = kit;
  const quiet = { ...deps.base, events: () => undefined };

  const configPage = async (
    c: WebContext,
    name: string,
    shown: { text: string; base: string; status?: Html; code?: 200 | 400 | 409 },
  ) => {
    const check = await appCheck(
      { app: name },
      { paths: deps.base.paths, git: deps.base.git, recipes: new RecipeStore(deps.base.paths) },
    ).then(
      (r) => checkSummary(r),
      (err: unknown) => notice('error', `Not checked against the recipe: ${errorMessage(err)}`),
    );
    const body = html`<p><a href="/apps/${name}">Back to ${name}</a></p>${shown.status ?? ''}
<h2>Check against the recipe</h2>${check}
<form method="post" action="/apps/${name}/config" class="stack">${csrfField(c.var.session.csrf)}
<input type="hidden" name="base" value="${shown.base}">
<label for="env-text">Env file (saved only when it parses, names a recipe and its COMPOSE_FILE exists)</label>
<textarea id="env-text" name="text" rows="24" cols="80" spellcheck="false" autocomplete="off">${shown.text}</textarea>
<p><button type="submit">Save the env file</button></p></form>`;
    return c.html(page(`Config of ${name}`, body, kit.pageUser(c), '/apps'), shown.code ?? 200);
  };

  app.get('/apps/:app/config', async (c) => {
    const access = await kit.appAccess(
      c,
      'config',
      (user, server) => `${user} may not read or change the config of apps on ${server}`,
    );
    if (access instanceof Response) return access;
    const { name } = access;
    const env = await appConfigText({ app: name }, deps.base);
    if (!env.editable)
      return c.html(
        page(
          `Config of ${name}`,
          notice(
            'error',
            `${env.envFile} is not UTF-8 text, so the dashboard does not edit it: use \`abra app config ${name}\`.`,
          ),
          kit.pageUser(c),
          '/apps',
        ),
      );
    const saved = c.req.query('saved');
    return configPage(c, name, {
      text: env.text,
      base: env.base,
      ...(saved !== undefined
        ? { status: notice('info', saved === '0' ? 'Nothing changed.' : 'Saved.') }
        : {}),
    });
  });

  app.post('/apps/:app/config', async (c) => {
    const name = c.req.param('app');
    const server = await appServer(name, deps.base);
    const user = c.var.user;
    if (!may(user, 'config', server))
      return kit.refuse(
        c,
        'config',
        { app: name, server },
        `${user.name} may not change the config of ${name}`,
      );
    const text = c.var.form.text ?? '';
    const base = c.var.form.base ?? '';
    try {
      const res = await appConfigSave({ app: name, text, base }, deps.base);
      if (res.changed)
        await recordAudit(
          { ...quiet, operator: webOperator(user.name) },
          {
            app: res.app,
            server,
            argv: ['app', 'config', res.app],
            result: 'ok',
            message: 'env file edited in abra web',
          },
        );
      if (res.warnings.length === 0)
        return c.redirect(`/apps/${name}/config?saved=${res.changed ? 1 : 0}`, 303);
      const now = await appConfigText({ app: name }, deps.base);
      return configPage(c, name, {
        text: now.text,
        base: now.base,
        status: html`${notice('info', 'Saved.')}${res.warnings.map((w) => notice('info', w))}`,
      });
    } catch (err) {
      if (!isUserError(err)) throw err;
      // The edit stays in the form for another try; the file is as it was.
      return configPage(c, name, {
        text,
        base,
        status: notice(
          'error',
          html`${err.message}${err.where ? html` (${err.where})` : ''}. ${err.hint ?? ''}`,
        ),
        code: err.code === 'env_changed_meanwhile' ? 409 : 400,
      });
    }
  });

  app.get('/apps/:app/secrets', async (c) => {
    const access = await kit.appAccess(c, 'view');
    if (access instanceof Response) return access;
    const { name, server } = access;
    const canGenerate = may(c.var.user, 'secret', server);
    const csrf = c.var.session.csrf;
    let body: Html;
    try {
      const res = await secretList({ app: name }, quiet);
      const generatable = (s: (typeof res.secrets)[number]) =>
        !s.onServer && !s.problem && !s.generate.includes('generate=false');
      const missing = res.secrets.filter(generatable);
      const rows = res.secrets.map(
        (s) => html`<tr><td>${s.name}</td><td>${s.version} <span class="info">(${s.envKey})</span></td>
<td>${s.onServer ? html`<span class="ok">present</span> since ${s.createdAt ?? '?'}` : html`<span class="error">missing</span>`}</td>
<td>${s.generate}</td><td>${s.problem ? html`<span class="error">${s.problem}</span>` : ''}</td>
<td>${canGenerate && generatable(s) ? actionForm(`/apps/${name}/secrets/generate`, `Generate ${s.name}`, csrf, html`<input type="hidden" name="name" value="${s.name}">`) : ''}${canGenerate && s.onServer && !s.problem && !s.generate.includes('generate=false') ? actionForm(`/apps/${name}/secrets/rotate`, `Rotate ${s.name}`, csrf, html`<input type="hidden" name="name" value="${s.name}">`) : ''}</td></tr>`,
      );
      body = html`<p>Values are never shown here. Recipe ${res.recipe} (${res.source}); secrets are named <code>${res.stack}_&lt;secret&gt;_&lt;version&gt;</code> on ${res.server}.</p>
${canGenerate && missing.length > 0 ? html`<div class="actions">${actionForm(`/apps/${name}/secrets/generate`, 'Generate every missing secret', csrf, html`<input type="hidden" name="all" value="1">`)}</div>` : ''}
${
  res.secrets.length
    ? html`<table><thead><tr><th scope="col">Secret</th><th scope="col">Version</th><th scope="col">On the server</th><th scope="col">Generated as</th><th scope="col">Problem</th><th scope="col">Action</th></tr></thead><tbody>${rows}</tbody></table>`
    : html`<p>The recipe declares no secrets.</p>`
}
${res.others.length ? html`<h2>Other versions on the server</h2><ul>${res.others.map((o) => html`<li>${o.remoteName} (since ${o.createdAt})</li>`)}</ul>` : ''}`;
    } catch (err) {
      body = notice('error', errorMessage(err));
    }
    return c.html(
      page(
        `Secrets of ${name}`,
        html`<p><a href="/apps/${name}">Back to ${name}</a></p>${body}`,
        kit.pageUser(c),
        '/apps',
      ),
    );
  });

  rotateRoute(app, kit);

  app.post('/apps/:app/secrets/generate', async (c) => {
    const name = c.req.param('app');
    const server = await appServer(name, deps.base);
    const user = c.var.user;
    if (!may(user, 'secret', server))
      return kit.refuse(
        c,
        'secret',
        { app: name, server },
        `${user.name} may not generate secrets of ${name}`,
      );
    const one = c.var.form.all === '1' ? undefined : c.var.form.name || undefined;
    const argv = ['app', 'secret', 'generate', name, ...(one ? [one] : ['--all'])];
    const op = kit.ops.start({ kind: 'secret', app: name, server, user: user.name }, async (ctx) => {
      const res = await secretGenerate(
        { app: name, argv, all: one === undefined, ...(one ? { name: one } : {}) },
        deps.forOp(user.name, argv, ctx),
      );
      // Names only: the values were stored on the swarm and are never shown.
      const made = res.generated.map((g) => g.remoteName);
      return [
        made.length ? `Generated ${made.join(', ')} (values not shown).` : 'Nothing to generate.',
        ...res.notes,
        ...res.warnings,
      ].join(' ');
    });
    return c.redirect(`/ops/${op.id}`, 303);
  });
}

function rotateRoute(app: Hono<WebEnv>, kit: WebKit): void {
  app.post('/apps/:app/secrets/rotate', async (c) => {
    const name = c.req.param('app');
    const server = await appServer(name, kit.deps.base);
    const user = c.var.user;
    if (!may(user, 'secret', server))
      return kit.refuse(c, 'secret', { app: name, server }, `${user.name} may not rotate secrets of ${name}`);
    const secret = c.var.form.name ?? '';
    const argv = ['web', 'secret', 'rotate', name, secret];
    const op = kit.ops.start({ kind: 'secret', app: name, server, user: user.name }, async (ctx) => {
      const r = await secretRotate({ app: name, name: secret, argv }, kit.deps.forOp(user.name, argv, ctx));
      return [
        `Rotated ${r.name}: ${r.from} -> ${r.to} (${r.remoteName}; value not shown), and set ${r.envKey}=${r.to}.`,
        'Redeploy the app to use it.',
        ...r.warnings,
      ].join(' ');
    });
    return c.redirect(`/ops/${op.id}`, 303);
  });
}

function checkSummary(r: AppCheckResult): Html {
  const keys = (label: string, list: { key: string }[], kind: 'error' | 'info') =>
    list.length ? html`<p class="${kind}">${label}: ${list.map((k) => k.key).join(', ')}</p>` : '';
  return html`<p>Against ${r.sample}: ${r.missing.length} missing, ${r.optional.length} optional unset, ${r.extra.length} extra.</p>
${keys('Missing (the recipe needs them)', r.missing, 'error')}${keys('Optional, unset', r.optional, 'info')}${keys('Not in the recipe', r.extra, 'info')}`;
}
