import { type Html, type HtmlValue, html } from './html.js';

export interface PageUser {
  name: string;
  role: string;
  csrf: string;
}

const NAV: [string, string][] = [
  ['/apps', 'Apps'],
  ['/servers', 'Servers'],
  ['/recipes', 'Recipes'],
  ['/ops', 'Operations'],
];

/**
 * The frame of every page: skip link, navigation, one <main>, our own assets only. htmx swaps
 * in 4xx/5xx pages too (it drops them by default), so a refused form shows why.
 */
export function page(title: string, body: HtmlValue, user?: PageUser, current = ''): string {
  const nav = user
    ? html`<nav aria-label="Main"><ul>${NAV.map(
        ([href, label]) =>
          html`<li><a href="${href}"${current === href ? html` aria-current="page"` : ''}>${label}</a></li>`,
      )}</ul>
      <form method="post" action="/logout" class="inline">${csrfField(user.csrf)}
        <span>${user.name} (${user.role})</span> <button type="submit">Sign out</button></form></nav>`
    : '';
  return `<!doctype html>${html`<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="htmx-config" content='{"responseHandling":[{"code":"204","swap":false},{"code":"[2345]..","swap":true}]}'>
<title>${title} · abra</title>
<link rel="stylesheet" href="/static/app.css">
<script src="/static/htmx.min.js" defer></script>
<script src="/static/app.js" defer></script>
</head><body hx-boost="true"><a class="skip" href="#main">Skip to content</a>
<header><a class="brand" href="/apps">abra</a>${nav}</header>
<main id="main" tabindex="-1"><h1>${title}</h1>${body}</main></body></html>`}`;
}

export function csrfField(token: string): Html {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

/** A one-button form posting to `action` (CSRF token included). */
export function actionForm(action: string, label: string, csrf: string, extra: HtmlValue = ''): Html {
  return html`<form method="post" action="${action}" class="inline">${csrfField(csrf)}${extra}<button type="submit">${label}</button></form>`;
}

export function notice(kind: 'error' | 'info', text: HtmlValue): Html {
  return html`<p class="${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${text}</p>`;
}
