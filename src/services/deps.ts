import type { ComposeSchemaValidator } from '../domain/compose/load.js';
import type { EventSink } from '../domain/events/types.js';
import type { DockerConnector } from '../infra/docker/connector.js';
import type { GitClient } from '../infra/git/client.js';
import type { AbraPaths } from '../infra/store/paths.js';
import type { ServerStore } from '../infra/store/servers.js';
import type { SignalHost } from './lock/signals.js';

/** The git operations services use; the system git adapter implements it, tests fake it. */
export type Git = { [K in keyof GitClient]: GitClient[K] };

/** One answer a select prompt offers. */
export interface PromptChoice {
  value: string;
  /** Shown instead of the value. */
  label?: string;
  /** A short note next to the choice (e.g. the first line of its release notes). */
  hint?: string;
}

/**
 * Asks the person at the keyboard. Without one, `confirm` refuses rather than guessing (and
 * says yes with --no-input); `select` and `text` are only called when `interactive`. Ctrl-C
 * at any question throws Cancelled with SIGINT (exit 130).
 */
export interface Prompt {
  /** A person can be asked: stdin and stdout are terminals and --no-input was not given. */
  readonly interactive: boolean;
  confirm(question: string): Promise<boolean>;
  /** `search`: type to filter the choices (long lists such as the recipe catalogue). */
  select(
    question: string,
    choices: readonly PromptChoice[],
    opts?: { initial?: string; search?: boolean },
  ): Promise<string>;
  /**
   * An empty answer means `initial`. `validate` returns why an answer is refused; the
   * question is then asked again with that reason.
   */
  text(
    question: string,
    opts?: { initial?: string; validate?: (answer: string) => string | undefined },
  ): Promise<string>;
  /** A block of text shown before the next question (e.g. release notes). */
  note(text: string, title?: string): Promise<void>;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface Dns {
  /** IPv4 addresses of a name; rejects when it has none. */
  lookup4(name: string): Promise<string[]>;
  /** IPv6 addresses of a name; empty when it has none. */
  lookup6(name: string): Promise<string[]>;
}

/**
 * What services may touch. Built once per run by the CLI's composition root (cli/context.ts);
 * tests build their own with fakes. Services report through `events` and ask through `prompt`:
 * they never write to the terminal.
 */
export interface Deps {
  paths: AbraPaths;
  servers: ServerStore;
  docker: DockerConnector;
  git: Git;
  events: EventSink;
  prompt: Prompt;
  clock: Clock;
  dns: Dns;
  /** Where termination signals are caught while a lock is held. */
  signals: SignalHost;
  /** Stable id of this operator machine (never its hostname): tells a dead local lock holder. */
  machineId: () => Promise<string>;
  env: NodeJS.ProcessEnv;
  /**
   * What the operator asked for, as words after `abra` (the dashboard passes the equivalent
   * command): recorded in the audit log and shown to other operators in lock messages.
   */
  argv: readonly string[];
  /**
   * Who the audit log and lock messages name; default `user@host` of this machine. The
   * dashboard sets its signed-in user, so a change made through it is recorded under them.
   */
  operator?: string;
  /** The compose schema validator, compiled on first use (ajv is slow to load). */
  composeValidator: () => Promise<ComposeSchemaValidator>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
