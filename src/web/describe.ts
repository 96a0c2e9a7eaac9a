import type { OperationEvent } from '../domain/events/types.js';
import { describeEvent as terminalText } from '../ui/events.js';

/** One line of text per event, as the terminal shows it, plus what the terminal leaves out. */
export function describeEvent(e: OperationEvent): string {
  switch (e.type) {
    case 'object':
      return `${e.action} ${e.kind} ${e.name}`;
    case 'converged':
      return `converged: ${e.services.join(', ')}`;
    case 'operation.started':
      return `${e.kind} of ${e.app} on ${e.server} started (operation ${e.op})`;
    case 'operation.finished':
      return `${e.kind} of ${e.app} finished: ${e.result} in ${(e.durationMs / 1000).toFixed(1)}s${e.message ? ` (${e.message})` : ''}`;
    default:
      return terminalText(e, { debug: false }) ?? e.type;
  }
}
