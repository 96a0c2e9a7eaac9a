/** The slice of `process` the lock uses for Ctrl-C; tests pass a fake to observe it. */
export interface SignalHost {
  readonly pid: number;
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  listenerCount(signal: NodeJS.Signals): number;
  kill(pid: number, signal: NodeJS.Signals): unknown;
}

// SIGHUP: the terminal (or the SSH session to a jump host) went away while deploying.
const CAUGHT: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Catch the termination signals while a lock is held: the first one runs `cleanup` and then
 * re-raises the signal, so the process still ends the way the signal asks (exit 130 on
 * Ctrl-C); a second one re-raises at once. Re-raising waits until no other listener is left,
 * so several locks held at once are all released first. Returns the uninstaller.
 */
export function releaseOnSignal(
  host: SignalHost,
  cleanup: (signal: NodeJS.Signals) => Promise<void>,
): () => void {
  let interrupted = false;
  const uninstall = () => {
    for (const s of CAUGHT) host.off(s, onSignal);
  };
  const reraise = (signal: NodeJS.Signals) => {
    uninstall();
    if (host.listenerCount(signal) === 0) host.kill(host.pid, signal);
  };
  function onSignal(signal: NodeJS.Signals): void {
    if (interrupted) {
      reraise(signal);
      return;
    }
    interrupted = true;
    void cleanup(signal)
      .catch(() => undefined)
      .finally(() => reraise(signal));
  }
  for (const s of CAUGHT) host.on(s, onSignal);
  return uninstall;
}
