import type { ServiceProgress } from './types.js';

/** A service's convergence in a few words, for the terminal and for failure reports. */
export function describeProgress(p: ServiceProgress): string {
  if (p.state === 'converged') return `running (${p.running}/${p.desired})`;
  if (p.state === 'pending') return `${p.detail} (${p.running}/${p.desired})`;
  return `FAILED: ${p.reason}${p.taskError ? ` (${p.taskError})` : ''}`;
}
