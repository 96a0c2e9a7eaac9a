import { describeProgress } from '../domain/events/describe.js';
import type { EventSink, OperationEvent, PlanSummary } from '../domain/events/types.js';
import { revealSecrets } from '../domain/secret/sensitive.js';
import { printable } from './sanitize.js';
import { renderTable } from './table.js';

// The one place events become terminal text. `--machine` runs get JSON lines instead (on
// stderr, so stdout stays the command's single JSON result).

export interface EventRendererOptions {
  write: (line: string) => void;
  debug: boolean;
  machine: boolean;
  /** Milliseconds since start, for debug lines. */
  elapsed?: () => number;
  /**
   * A terminal that shows a transient status line (a spinner, updated in place) while long
   * work runs; without it only the plain lines are written.
   */
  live?: LiveOptions | undefined;
  /**
   * `--show-secrets`: `--machine` lines include generated secret values. A terminal shows them
   * (once) either way; without it JSON leaves them out.
   */
  showSecrets?: boolean;
  /**
   * Where a terminal shows generated secret values: stdout, with the command's own output, so
   * they can be piped; default `write`.
   */
  reveal?: (text: string) => void;
}

export interface LiveOptions {
  columns: () => number;
  color: boolean;
}

/** The sink, and `close` to take the transient line off the screen before the process ends. */
export type RenderingSink = EventSink & { close: () => void };

export function eventRenderer(opts: EventRendererOptions): RenderingSink {
  if (opts.machine) {
    return withClose((e) => {
      // Transient by nature: the plain events already say what happened.
      if (e.type === 'status') return;
      if (e.type === 'debug' && !opts.debug) return;
      // `t`: ms since the process started, so a reader can tell where the time went.
      const record = { event: e.type, t: Math.round(performance.now()), ...withoutType(e) };
      // Secret values are SecretText, which JSON leaves out unless they are revealed here.
      opts.write(`${JSON.stringify(opts.showSecrets ? revealSecrets(record) : record)}\n`);
    });
  }
  const line = opts.live ? statusLine(opts.write, opts.live) : undefined;
  const sink = (e: OperationEvent) => {
    if (e.type === 'secrets.generated') {
      const table = `${generatedTable(e)}\n`;
      const reveal = opts.reveal ?? opts.write;
      if (line) line.above(table, reveal);
      else reveal(table);
      const warning = `warning: ${generatedWarning(e)}\n`;
      if (line) line.above(warning);
      else opts.write(warning);
      return;
    }
    if (line) {
      const status = liveStatus(e);
      if (status !== 'keep') line.set(status);
      // Pending convergence is what the status line is for; finished services still get a line.
      if (e.type === 'status' || (e.type === 'progress' && e.progress.state === 'pending')) return;
    }
    const raw = describeEvent(e, opts);
    if (raw === undefined) return;
    // Names, task errors, lock holders and log lines come from servers: they must not drive the
    // terminal. Line breaks and tabs stay.
    const text = printable(raw, '\n\t');
    const out = text.endsWith('\n') ? text : `${text}\n`;
    if (line) line.above(out);
    else opts.write(out);
  };
  return Object.assign(sink, { close: () => line?.close() });
}

function withClose(sink: EventSink): RenderingSink {
  return Object.assign(sink, { close: () => undefined });
}

/** What the transient line says after an event: a text, nothing (cleared), or unchanged. */
export function liveStatus(e: OperationEvent): string | undefined | 'keep' {
  switch (e.type) {
    case 'status':
      return e.message;
    case 'waiting':
      return `${e.rollback ? 'rolling back' : 'converging'}: ${e.services.join(', ')}`;
    case 'progress':
      return e.progress.state === 'pending'
        ? `${e.service}${e.rollback ? ' (rollback)' : ''}: ${describeProgress(e.progress)}`
        : 'keep';
    case 'converged':
    case 'failed':
    case 'operation.finished':
      return undefined;
    default:
      return 'keep';
  }
}

const FRAMES = ['|', '/', '-', '\\'];

/** One line at the bottom of the terminal, redrawn in place; plain lines are written above it. */
function statusLine(write: (s: string) => void, live: LiveOptions) {
  let text: string | undefined;
  let frame = 0;
  let shown = false;
  let timer: NodeJS.Timeout | undefined;
  const erase = () => {
    if (shown) write('\r\x1b[2K');
    shown = false;
  };
  const draw = () => {
    if (text === undefined) return;
    const spin = FRAMES[frame++ % FRAMES.length] ?? '|';
    const room = Math.max(10, live.columns() - 3);
    const body = text.length > room ? `${text.slice(0, room - 1)}…` : text;
    write(`\r\x1b[2K${live.color ? `\x1b[36m${spin}\x1b[39m` : spin} ${body}`);
    shown = true;
  };
  return {
    set(next: string | undefined) {
      text = next === undefined ? undefined : printable(next, '').replaceAll('\n', ' ');
      if (text === undefined) {
        erase();
        if (timer) clearInterval(timer);
        timer = undefined;
        return;
      }
      draw();
      // The process must not stay alive for a spinner.
      timer ??= setInterval(draw, 120).unref();
    },
    above(out: string, to: (s: string) => void = write) {
      erase();
      to(out);
      draw();
    },
    close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      text = undefined;
      erase();
    },
  };
}

function withoutType(e: OperationEvent): Record<string, unknown> {
  const { type: _t, ...rest } = e;
  return rest;
}

/** Terminal text for an event, or undefined when the terminal shows nothing for it. */
export function describeEvent(
  e: OperationEvent,
  opts: { debug: boolean; elapsed?: () => number },
): string | undefined {
  switch (e.type) {
    case 'secrets.generated':
      // Names only: the values are the terminal renderer's to show (see eventRenderer).
      return `Generated ${e.secrets.length} secret(s) for ${e.app} on ${e.server}: ${e.secrets.map((s) => `${s.name} (${s.version})`).join(', ')}`;
    case 'info':
      return e.message;
    case 'warning':
      return `warning: ${e.message}`;
    case 'debug':
      return opts.debug ? `debug [${String(opts.elapsed?.() ?? 0).padStart(5)}ms] ${e.message}` : undefined;
    case 'plan':
      return describePlan(e.kind, e.app, e.server, e.plan);
    case 'object':
      return opts.debug ? `  ${e.action} ${e.kind} ${e.name}` : undefined;
    case 'waiting':
      return e.rollback
        ? `Waiting up to ${e.timeoutS}s for the rollback of ${e.services.join(', ')}...`
        : `Waiting up to ${e.timeoutS}s for ${e.services.join(', ')} to converge...`;
    case 'progress':
      return `  ${e.service}${e.rollback ? ' (rollback)' : ''}: ${describeProgress(e.progress)}`;
    case 'converged':
      return undefined;
    case 'failed':
      return [e.reason, ...e.report].join('\n');
    case 'rollback':
      if (e.phase === 'started')
        return e.fresh
          ? 'Removing the failed first deploy (volumes and secrets are kept)...'
          : 'Rolling back...';
      if (e.phase === 'incomplete')
        return 'warning: the rollback has not converged yet; check `abra app ps`.';
      return undefined;
    case 'log':
      return `    ${e.service} | ${e.line}`;
    case 'move':
      return e.step === 'plan' ? e.detail : `  ${e.server}: ${e.detail}`;
    case 'bootstrap':
      return `  ${e.step.padEnd(14)} ${e.result === 'changed' ? 'changed ' : e.result === 'already' ? 'already ' : 'ok      '} ${e.detail}`;
    case 'status':
      return undefined;
    case 'test.step':
      return describeTestStep(e);
    case 'operation.started':
    case 'operation.finished':
      return opts.debug
        ? `debug [${String(opts.elapsed?.() ?? 0).padStart(5)}ms] operation ${e.op} ${e.kind} ${e.type.split('.')[1]}`
        : undefined;
  }
}

type GeneratedEvent = Extract<OperationEvent, { type: 'secrets.generated' }>;

/** The one place a generated value becomes text on a terminal. */
function generatedTable(e: GeneratedEvent): string {
  return renderTable(
    ['secret', 'version', 'remote name', 'value'],
    e.secrets.map((s) => [s.name, s.version, s.remoteName, s.value.reveal()]),
  );
}

export function generatedWarning(e: GeneratedEvent): string {
  const one = e.secrets.length === 1;
  return one
    ? `this value is shown once and stored nowhere by abra: only the swarm secret on ${e.server} holds it, ` +
        'and the swarm cannot give it back. Save it in your password manager now.'
    : `these values are shown once and stored nowhere by abra: only the swarm secrets on ${e.server} hold them, ` +
        'and the swarm cannot give them back. Save them in your password manager now.';
}

function describeTestStep(e: Extract<OperationEvent, { type: 'test.step' }>): string {
  const time = e.durationMs === undefined ? '' : ` (${(e.durationMs / 1000).toFixed(1)}s)`;
  switch (e.status) {
    case 'started':
      return `==> ${e.step}: ${e.title}`;
    case 'passed':
      return `<== ${e.step}: ok${time}${e.detail ? `: ${e.detail}` : ''}`;
    case 'failed':
      return `<== ${e.step}: FAILED${time}${e.detail ? `: ${e.detail}` : ''}`;
    case 'skipped':
      return `--- ${e.step}: skipped${e.detail ? `: ${e.detail}` : ''}`;
  }
}

function describePlan(kind: string, app: string, server: string, plan: PlanSummary): string {
  const verb = kind.charAt(0).toUpperCase() + kind.slice(1);
  const lines = [`${verb} ${app} on ${server}: ${plan.from ? `${plan.from} -> ` : ''}${plan.to}`];
  for (const s of plan.services) {
    if (s.action === 'create') lines.push(`  + ${s.name} (new service)`);
    else if (s.action === 'update') lines.push(`  ~ ${s.name} (${(s.changes ?? []).join(', ')})`);
    else if (s.action === 'remove') lines.push(`  - ${s.name} (no longer in the recipe; removed by --prune)`);
    else if (s.action === 'orphan')
      lines.push(`  ! ${s.name} is no longer in the recipe; left running (deploy with --prune to remove it)`);
    else lines.push(`  = ${s.name} (unchanged)`);
  }
  for (const n of plan.networks) lines.push(`  + network ${n}`);
  for (const c of plan.configs) lines.push(`  + config ${c}`);
  for (const c of plan.secrets) lines.push(`  + secret ${c}`);
  return lines.join('\n');
}
