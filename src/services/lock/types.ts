import type { EventSink } from '../../domain/events/types.js';
import type { DockerConnector } from '../../infra/docker/connector.js';
import type { SignalHost } from './signals.js';

/** Long enough to ride out a network blip between refreshes, short enough to wait out a crash. */
export const DEFAULT_LOCK_TTL_MS = 120_000;

export interface AppLockOptions {
  server: string;
  app: string;
  /** The argv after `abra`; shown to other operators, secret values redacted. */
  command: readonly string[];
  ttlMs?: number;
  /** How often the lock is refreshed while held; false to never refresh (tests, short holds). */
  keepAliveMs?: number | false;
  /** Take the lock over even if its holder looks alive (`--force-unlock`). */
  force?: boolean;
  /** The operation's random id, used as the lock token; random when not given. */
  operation?: string;
  /**
   * Release the lock and re-raise on Ctrl-C (default). The operation wrapper handles signals
   * itself (it stops the operation first) and turns this off.
   */
  catchSignals?: boolean;
}

export interface AppLockDeps {
  docker: DockerConnector;
  events: EventSink;
  env: NodeJS.ProcessEnv;
  machineId: () => Promise<string>;
  /** Who the lock names instead of `user@host` (the dashboard's signed-in user). */
  operator?: string | undefined;
  /** Where Ctrl-C and friends are caught; `process` unless a test passes its own. */
  signals?: SignalHost;
}

export interface AppLock {
  readonly app: string;
  readonly server: string;
  readonly stack: string;
  /** Aborts if the lock is lost while held (it expired and was taken over, or was force-unlocked). */
  readonly lost: AbortSignal;
  /** Push the expiry one TTL ahead; throws `lock_lost` if the lock is no longer ours. */
  refresh(): Promise<void>;
  /**
   * Throws `lock_lost` if the lock no longer carries our token (one read; the keep-alive
   * refreshes). A token cannot come back once replaced, so "ours now" means "ours throughout".
   */
  confirm(): Promise<void>;
  /** Delete the lock if it is still ours. Never throws: a failure is a warning (the lock expires). */
  release(): Promise<void>;
}
