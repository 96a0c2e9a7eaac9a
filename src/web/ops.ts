import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { OperationEvent } from '../domain/events/types.js';
import { errorMessage, isUserError } from '../errors.js';
import type { SignalHost } from '../services/lock/signals.js';

export type OpState = 'running' | 'ok' | 'failed';

/** One dashboard operation: it belongs to the server, so a reload or a closed tab loses nothing. */
export interface WebOp {
  id: string;
  kind: string;
  app: string;
  server: string;
  user: string;
  started: number;
  finished?: number;
  state: OpState;
  /** What the service reported, in order; debug events are not kept. */
  events: OperationEvent[];
  /** One line saying how it ended (the error's message and hint when it failed). */
  summary?: string;
  /** Where the result is shown best (e.g. the app's page). */
  next?: string;
}

export interface OpContext {
  emit: (e: OperationEvent) => void;
  /** Stands in for `process`: cancel() raises SIGINT here, which runOperation turns into a clean stop. */
  signals: SignalHost;
}

const KEEP = 200;
const MAX_EVENTS = 5000;

/** Operations by id; listeners get each event as it comes, then 'end'. */
export class OpRegistry {
  private readonly ops = new Map<string, WebOp>();
  private readonly hosts = new Map<string, FakeSignals>();
  private readonly bus = new EventEmitter();

  constructor() {
    this.bus.setMaxListeners(0);
  }

  get(id: string): WebOp | undefined {
    return this.ops.get(id);
  }

  list(): WebOp[] {
    return [...this.ops.values()].reverse();
  }

  running(): WebOp[] {
    return this.list().filter((o) => o.state === 'running');
  }

  start(
    meta: { kind: string; app: string; server: string; user: string; next?: string },
    run: (ctx: OpContext) => Promise<string>,
  ): WebOp {
    const op: WebOp = {
      id: randomBytes(12).toString('hex'),
      ...meta,
      started: Date.now(),
      state: 'running',
      events: [],
    };
    this.ops.set(op.id, op);
    this.trim();
    const host = new FakeSignals();
    this.hosts.set(op.id, host);
    const emit = (e: OperationEvent) => {
      if (e.type === 'debug') return;
      if (op.events.length >= MAX_EVENTS) op.events.splice(0, 1);
      op.events.push(e);
      this.bus.emit(op.id, e);
    };
    void run({ emit, signals: host }).then(
      (summary) => this.end(op, 'ok', summary),
      (err: unknown) => {
        const hint = isUserError(err) && err.hint ? ` ${err.hint}` : '';
        this.end(op, 'failed', `${errorMessage(err)}${hint}`);
      },
    );
    return op;
  }

  /** Ask a running operation to stop after its current step (as Ctrl-C does in the terminal). */
  cancel(id: string): boolean {
    const host = this.hosts.get(id);
    if (!host) return false;
    host.raise('SIGINT');
    return true;
  }

  /** Stop every running operation (the server is shutting down). */
  cancelAll(): void {
    for (const op of this.running()) this.cancel(op.id);
  }

  /** Follow an operation: `onEvent` per event (with its index), `onEnd` once it is over. */
  follow(id: string, onEvent: (e: OperationEvent) => void, onEnd: (op: WebOp) => void): () => void {
    const endKey = `${id}:end`;
    const endListener = (op: WebOp) => onEnd(op);
    this.bus.on(id, onEvent);
    this.bus.once(endKey, endListener);
    return () => {
      this.bus.off(id, onEvent);
      this.bus.off(endKey, endListener);
    };
  }

  private end(op: WebOp, state: OpState, summary: string): void {
    op.state = state;
    op.summary = summary;
    op.finished = Date.now();
    this.hosts.delete(op.id);
    this.bus.emit(`${op.id}:end`, op);
  }

  private trim(): void {
    if (this.ops.size <= KEEP) return;
    for (const [id, op] of this.ops) {
      if (this.ops.size <= KEEP) break;
      if (op.state !== 'running') this.ops.delete(id);
    }
  }
}

/** A SignalHost of one operation: only the dashboard's cancel raises signals on it. */
class FakeSignals extends EventEmitter implements SignalHost {
  readonly pid = process.pid;

  // The operation wrapper re-raises a second signal to end the process; here it only ends the
  // operation, so the re-raise is dropped.
  kill(): boolean {
    return true;
  }

  raise(signal: NodeJS.Signals): void {
    this.emit(signal, signal);
  }

  override on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): this {
    return super.on(signal, listener);
  }

  override off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): this {
    return super.off(signal, listener);
  }
}
