import { describeEvent } from '../describe.js';
import { html } from '../html.js';
import { actionForm, type PageUser, page } from '../layout.js';
import type { WebOp } from '../ops.js';

function when(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}

export function opsPage(ops: WebOp[], user: PageUser): string {
  const rows = ops.map(
    (
      o,
    ) => html`<tr><td><a href="/ops/${o.id}">${o.kind}</a></td><td><a href="/apps/${o.app}">${o.app}</a></td>
<td>${o.server}</td><td>${o.user}</td><td>${when(o.started)}</td><td class="${o.state}">${o.state}</td></tr>`,
  );
  return page(
    'Operations',
    ops.length === 0
      ? html`<p>No operation since this dashboard started.</p>`
      : html`<table><caption>Operations run from this dashboard, newest first</caption>
<thead><tr><th scope="col">Operation</th><th scope="col">App</th><th scope="col">Server</th><th scope="col">By</th><th scope="col">Started</th><th scope="col">State</th></tr></thead>
<tbody>${rows}</tbody></table>`,
    user,
    '/ops',
  );
}

/**
 * One operation: the events so far rendered by the server (readable without JavaScript, and
 * refreshed by the browser while it runs), then followed live over server-sent events.
 */
export function opPage(op: WebOp, user: PageUser, mayCancel: boolean): string {
  const running = op.state === 'running';
  const lines = op.events.map((e) => html`<li>${describeEvent(e)}</li>`);
  return page(
    `${op.kind} ${op.app}`,
    html`${running ? html`<noscript><meta http-equiv="refresh" content="3"></noscript>` : ''}
<p>On ${op.server}, started by ${op.user} at ${when(op.started)}.
State: <strong class="${op.state}" id="op-state">${op.state}</strong></p>
${op.summary ? html`<p class="${op.state}" role="status">${op.summary}</p>` : ''}
<h2>Progress</h2>
<ol id="events" aria-live="polite" ${running ? html`data-sse="/ops/${op.id}/events?from=${op.events.length}" data-reload` : ''}>${lines}</ol>
<div class="actions">${running && mayCancel ? actionForm(`/ops/${op.id}/cancel`, 'Cancel (stop after the current step)', user.csrf) : ''}
<a href="/apps/${op.app}">Back to ${op.app}</a></div>`,
    user,
    '/ops',
  );
}
