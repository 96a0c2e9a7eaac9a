import type { SignalHost } from '../lock/signals.js';

const CAUGHT: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Catch termination signals while an operation runs. The first asks the operation to stop
 * (it finishes its current step and cleans up); the second runs `second` (record and release,
 * bounded) and then re-raises, so the process ends the way the signal asks (130 on Ctrl-C).
 * Returns the uninstaller.
 */
export function interruptible(
  host: SignalHost,
  handlers: { first: (signal: NodeJS.Signals) => void; second: (signal: NodeJS.Signals) => Promise<void> },
): () => void {
  let count = 0;
  const uninstall = () => {
    for (const s of CAUGHT) host.off(s, onSignal);
  };
  function onSignal(signal: NodeJS.Signals): void {
    count++;
    if (count === 1) {
      handlers.first(signal);
      return;
    }
    if (count > 2) return;
    uninstall();
    const bound = new Promise<void>((resolve) => setTimeout(resolve, 5000).unref());
    void Promise.race([handlers.second(signal).catch(() => undefined), bound]).finally(() => {
      if (host.listenerCount(signal) === 0) host.kill(host.pid, signal);
    });
  }
  for (const s of CAUGHT) host.on(s, onSignal);
  return uninstall;
}
