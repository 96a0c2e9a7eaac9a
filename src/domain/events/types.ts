// What services report while they work. Services never print: they emit these to a sink, and
// each front end renders them its own way (terminal lines, `--machine` JSON lines, the
// dashboard's event stream). Events carry names and states, never config data, and secret
// data only in `secrets.generated`, as SecretText: JSON renderings leave it out (unless the
// operator passed --show-secrets) and only the terminal renderer shows it, once.

import type { GeneratedSecret } from '../secret/sensitive.js';

export type ObjectKind =
  | 'service'
  | 'container'
  | 'network'
  | 'secret'
  | 'config'
  | 'volume'
  | 'lock'
  | 'env';

/** A service's convergence, as the watcher judges it. */
export type ServiceProgress =
  | { state: 'pending'; running: number; desired: number; detail: string }
  | { state: 'converged'; running: number; desired: number }
  | { state: 'failed'; reason: string; taskError?: string | undefined };

/** The steps of `app move`, in order (a failure undoes the target's and says what is left). */
export type MoveStep =
  | 'plan'
  | 'secrets-read'
  | 'undeployed'
  | 'volume-copied'
  | 'secrets-created'
  | 'env-moved'
  | 'deployed'
  | 'source-cleaned'
  | 'target-cleaned';

/** The steps of `server bootstrap`, in order (see domain/bootstrap/plan.ts). */
export type BootstrapStepName =
  | 'os'
  | 'privileges'
  | 'ports'
  | 'docker-install'
  | 'docker-start'
  | 'docker-group'
  | 'swarm'
  | 'proxy-network';

export type OperationResult = 'ok' | 'failed' | 'rolled-back' | 'cancelled';

export interface PlanSummaryService {
  name: string;
  action: 'create' | 'update' | 'unchanged' | 'remove' | 'orphan';
  changes?: string[];
}

export interface PlanSummary {
  from: string | undefined;
  to: string;
  services: PlanSummaryService[];
  networks: string[];
  secrets: string[];
  configs: string[];
}

export type OperationEvent =
  | { type: 'operation.started'; op: string; kind: string; app: string; server: string }
  | {
      type: 'operation.finished';
      op: string;
      kind: string;
      app: string;
      server: string;
      result: OperationResult;
      durationMs: number;
      message?: string;
    }
  | { type: 'plan'; app: string; server: string; kind: string; plan: PlanSummary }
  | { type: 'object'; action: 'created' | 'updated' | 'removed'; kind: ObjectKind; name: string }
  | { type: 'waiting'; services: string[]; timeoutS: number; rollback?: boolean }
  | { type: 'progress'; service: string; progress: ServiceProgress; rollback?: boolean }
  | { type: 'converged'; services: string[] }
  | { type: 'failed'; reason: string; report: string[] }
  | { type: 'rollback'; phase: 'started' | 'done' | 'incomplete'; fresh: boolean }
  | { type: 'log'; service: string; line: string }
  | {
      type: 'move';
      step: MoveStep;
      app: string;
      /** The server the step happened on. */
      server: string;
      detail: string;
      bytes?: number;
    }
  | {
      type: 'bootstrap';
      server: string;
      step: BootstrapStepName;
      /** checked: a precondition holds; already: nothing to change; changed: done now. */
      result: 'checked' | 'already' | 'changed';
      detail: string;
      /** How long the step took on the server (0 for what the probe answered). */
      ms: number;
    }
  /** Values just stored as swarm secrets, which nobody can read back: the one chance to see them. */
  | { type: 'secrets.generated'; app: string; server: string; secrets: GeneratedSecret[] }
  /** A step of `abra recipe test`: started, then passed, failed or skipped (with why). */
  | {
      type: 'test.step';
      step: string;
      title: string;
      status: 'started' | 'passed' | 'failed' | 'skipped';
      durationMs?: number;
      detail?: string;
    }
  | { type: 'info'; message: string }
  | { type: 'warning'; message: string }
  | { type: 'debug'; message: string }
  /** What is going on now, shown on a terminal as a transient line; undefined clears it. */
  | { type: 'status'; message: string | undefined };

export type EventSink = (event: OperationEvent) => void;

/** A sink that drops everything: for callers that want only the result. */
export const discardEvents: EventSink = () => undefined;

/** Shorthands services use for free-text events. */
export function warn(sink: EventSink, message: string): void {
  sink({ type: 'warning', message });
}

export function info(sink: EventSink, message: string): void {
  sink({ type: 'info', message });
}

export function debug(sink: EventSink, message: string): void {
  sink({ type: 'debug', message });
}
