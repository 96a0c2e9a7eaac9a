import { getConnInfo } from '@hono/node-server/conninfo';
import { type Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { streamSSE } from 'hono/streaming';
import type { OperationEvent } from '../domain/events/types.js';
import { errorMessage, isUserError } from '../errors.js';
import { recordAudit } from '../services/audit/record.js';
import { asset } from './assets.js';
import { dummyHash, verifyPassword } from './auth/password.js';
import { LoginLimiter } from './auth/rate-limit.js';
import { type Action, may } from './auth/roles.js';
import { csrfMatches, type Session, SessionStore } from './auth/sessions.js';
import type { WebUser, WebUserStore } from './auth/users.js';
import { type WebDeps, webOperator } from './context.js';
import { describeEvent } from './describe.js';
import { html } from './html.js';
import { notice, type PageUser, page } from './layout.js';
import type { OpRegistry } from './ops.js';
import { appServer } from './pages/lookup.js';
import { opPage, opsPage } from './pages/ops.js';

export const SESSION_COOKIE = 'abra_session';

export interface WebEnv {
  Variables: { user: WebUser; session: Session; form: Record<string, string> };
}

export type WebContext = Context<WebEnv>;

export interface WebAppOptions {
  deps: WebDeps;
  users: WebUserStore;
  ops: OpRegistry;
  /** Served over TLS: cookies get the Secure flag. */
  secure: boolean;
  sessions?: SessionStore;
  limiter?: LoginLimiter;
}

/** What route modules get: everything a page needs, and the one way to refuse. */
export interface WebKit extends WebAppOptions {
  pageUser(c: WebContext): PageUser;
  /** 403, with an audit entry when an app or server is concerned. */
  refuse(
    c: WebContext,
    action: Action,
    target: { app?: string; server?: string },
    why: string,
  ): Promise<Response>;
  /**
   * The `:app` route parameter, its server, and whether this user may `action` there: the app
   * and server, or the refusal to return (`why` defaults to "<user> may not <action> apps on …").
   */
  appAccess(
    c: WebContext,
    action: Action,
    why?: (user: string, server: string) => string,
  ): Promise<{ name: string; server: string } | Response>;
}

export function createWebApp(opts: WebAppOptions): { app: Hono<WebEnv>; kit: WebKit } {
  const sessions = opts.sessions ?? new SessionStore();
  const limiter = opts.limiter ?? new LoginLimiter();
  const dummy = dummyHash();
  const app = new Hono<WebEnv>();
  const kit: WebKit = {
    ...opts,
    sessions,
    limiter,
    pageUser: (c) => ({ name: c.get('user').name, role: c.get('user').role, csrf: c.get('session').csrf }),
    refuse: async (c, action, target, why) => {
      const user = c.var.user;
      if (target.server !== undefined)
        await recordAudit(
          { ...opts.deps.base, operator: webOperator(user?.name ?? 'anonymous') },
          {
            app: target.app ?? '',
            server: target.server,
            argv: ['web', action, ...(target.app ? [target.app] : [])],
            result: 'failed',
            message: `refused by abra web: ${why}`,
          },
        );
      return c.html(page('Not allowed', notice('error', why), user ? kit.pageUser(c) : undefined), 403);
    },
    appAccess: async (c, action, why) => {
      const name = c.req.param('app') ?? '';
      const server = await appServer(name, opts.deps.base);
      if (may(c.var.user, action, server)) return { name, server };
      const user = c.var.user.name;
      const text =
        why?.(user, server) ?? `${user} may not ${action === 'view' ? 'see' : action} apps on ${server}`;
      return kit.refuse(c, action, { app: name, server }, text);
    },
  };

  app.use('*', async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('X-Frame-Options', 'DENY');
    c.header('Referrer-Policy', 'same-origin');
    c.header(
      'Content-Security-Policy',
      "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
    );
  });

  app.get('/static/:name', async (c) => {
    const found = await asset(c.req.param('name'));
    if (!found) return c.text('Not found', 404);
    c.header('Content-Type', found.type);
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(typeof found.body === 'string' ? found.body : new Uint8Array(found.body));
  });
  app.get('/static/*', (c) => c.text('Not found', 404));

  app.get('/login', (c) => c.html(loginPage()));
  app.post('/login', async (c) => {
    const form = await formOf(c);
    const name = form.user ?? '';
    const password = form.password ?? '';
    const addr = clientAddress(c);
    const keys = [`addr:${addr}`, `user:${name}`];
    const wait = Math.max(...keys.map((k) => limiter.retryAfter(k)));
    if (wait > 0) {
      c.header('Retry-After', String(Math.ceil(wait / 1000)));
      return c.html(loginPage('Too many failed sign-ins. Wait a few minutes and try again.'), 429);
    }
    const user = await opts.users.find(name).catch(() => undefined);
    // An unknown name costs the same scrypt as a known one: timing does not tell names apart.
    const ok = await verifyPassword(password, user?.hash ?? (await dummy));
    if (!user || !ok) {
      for (const k of keys) limiter.fail(k);
      return c.html(loginPage('Wrong user name or password.'), 401);
    }
    limiter.succeed(`user:${name}`);
    const session = sessions.create(user);
    setCookie(c, SESSION_COOKIE, session.id, {
      httpOnly: true,
      sameSite: 'Strict',
      secure: opts.secure,
      path: '/',
    });
    return c.redirect('/apps', 303);
  });

  // Everything below needs a session, and every POST its CSRF token.
  app.use('*', async (c, next) => {
    const session = sessions.get(getCookie(c, SESSION_COOKIE));
    const user = session ? await opts.users.find(session.user).catch(() => undefined) : undefined;
    if (!session || !user) {
      if (session) sessions.destroy(session.id);
      if (c.req.method === 'GET' && !c.req.header('accept')?.includes('text/event-stream'))
        return c.redirect('/login', 303);
      return c.text('Sign in first', 401);
    }
    c.set('session', session);
    c.set('user', user);
    if (c.req.method === 'POST') {
      const form = await formOf(c);
      c.set('form', form);
      if (!csrfMatches(session, form._csrf ?? c.req.header('x-csrf-token')))
        return kit.refuse(
          c,
          'view',
          {},
          'The form was not sent by this dashboard (missing or wrong CSRF token).',
        );
    }
    await next();
  });

  app.post('/logout', (c) => {
    sessions.destroy(c.var.session.id);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect('/login', 303);
  });
  app.get('/', (c) => c.redirect('/apps', 303));

  app.get('/ops', (c) =>
    c.html(
      opsPage(
        opts.ops.list().filter((o) => may(c.var.user, 'view', o.server)),
        kit.pageUser(c),
      ),
    ),
  );
  app.get('/ops/:id', (c) => {
    const op = opts.ops.get(c.req.param('id'));
    if (!op || !may(c.var.user, 'view', op.server)) return c.html(page('No such operation', ''), 404);
    return c.html(opPage(op, kit.pageUser(c), may(c.var.user, op.kind as Action, op.server)));
  });
  app.post('/ops/:id/cancel', (c) => {
    const op = opts.ops.get(c.req.param('id'));
    if (!op) return c.html(page('No such operation', ''), 404);
    if (!may(c.var.user, op.kind as Action, op.server))
      return kit.refuse(
        c,
        op.kind as Action,
        { app: op.app, server: op.server },
        `${c.var.user.name} may not cancel this operation`,
      );
    opts.ops.cancel(op.id);
    return c.redirect(`/ops/${op.id}`, 303);
  });
  app.get('/ops/:id/events', (c) => {
    const op = opts.ops.get(c.req.param('id'));
    if (!op || !may(c.var.user, 'view', op.server)) return c.text('Not found', 404);
    // Resume after what the page (or the last connection) already showed.
    const from = Number(c.req.query('from') ?? c.req.header('last-event-id') ?? '0') || 0;
    return streamSSE(c, async (stream) => {
      let index = from;
      const queue: OperationEvent[] = op.events.slice(from);
      let wake: (() => void) | undefined;
      let ended = op.state !== 'running';
      const stop = opts.ops.follow(
        op.id,
        (e) => {
          queue.push(e);
          wake?.();
        },
        () => {
          ended = true;
          wake?.();
        },
      );
      stream.onAbort(() => {
        stop();
        ended = true;
        wake?.();
      });
      try {
        for (;;) {
          while (queue.length > 0) {
            const e = queue.shift() as OperationEvent;
            index++;
            await stream.writeSSE({ event: 'line', data: describeEvent(e), id: String(index) });
          }
          if (ended) break;
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
        }
        if (!stream.aborted) await stream.writeSSE({ event: 'end', data: op.summary ?? op.state });
      } finally {
        stop();
      }
    });
  });

  app.onError((err, c) => {
    opts.deps.base.events({
      type: 'warning',
      message: `web: ${c.req.method} ${c.req.path}: ${errorMessage(err)}`,
    });
    const user = c.var.user ? kit.pageUser(c) : undefined;
    // A mistake in the request (an unknown app or server, bad input) is no fault of the server.
    if (isUserError(err)) {
      const missing = err.code === 'app_not_found' || err.code === 'server_unknown';
      return c.html(
        page(
          missing ? 'Not found' : 'Not done',
          notice('error', html`${err.message}. ${err.hint ?? ''}`),
          user,
        ),
        missing ? 404 : 400,
      );
    }
    return c.html(page('Something went wrong', notice('error', errorMessage(err)), user), 500);
  });
  return { app, kit };
}

async function formOf(c: WebContext): Promise<Record<string, string>> {
  const cached = c.var.form;
  if (cached) return cached;
  const type = c.req.header('content-type') ?? '';
  if (!type.includes('application/x-www-form-urlencoded') && !type.includes('multipart/form-data')) return {};
  const body = await c.req.parseBody();
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v;
  return out;
}

function clientAddress(c: WebContext): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function loginPage(error?: string): string {
  return page(
    'Sign in',
    html`${error ? notice('error', error) : ''}
<form method="post" action="/login" class="stack">
<label for="user">User name</label><input id="user" name="user" autocomplete="username" required autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<p><button type="submit">Sign in</button></p></form>`,
  );
}
