import { Cancelled } from '../../src/errors.js';
import type { Prompt, PromptChoice } from '../../src/services/deps.js';

/** One scripted answer: a string (or boolean for confirm), or 'cancel' for Ctrl-C. */
export type ScriptedAnswer = string | boolean | { cancel: true };

export interface Asked {
  kind: 'confirm' | 'select' | 'text' | 'note';
  question: string;
  choices?: readonly PromptChoice[];
  initial?: string | undefined;
  /** Reasons `validate` gave for refused answers, in order. */
  refused?: string[];
}

/**
 * A Prompt that answers from a script, recording what was asked. `text` answers run through
 * `validate` like the terminal does: a refused answer is recorded and the next one is used.
 */
export function fakePrompt(answers: ScriptedAnswer[] = [], interactive = true): Prompt & { asked: Asked[] } {
  const queue = [...answers];
  const asked: Asked[] = [];
  const next = (question: string): string | boolean => {
    const a = queue.shift();
    if (a === undefined) throw new Error(`unexpected question: ${question}`);
    if (typeof a === 'object')
      throw new Cancelled('Cancelled at a question; nothing was changed.', { signal: 'SIGINT' });
    return a;
  };
  return {
    interactive,
    asked,
    confirm: async (question) => {
      asked.push({ kind: 'confirm', question });
      return next(question) === true;
    },
    select: async (question, choices, opts = {}) => {
      asked.push({ kind: 'select', question, choices, initial: opts.initial });
      const a = next(question);
      if (typeof a !== 'string' || !choices.some((c) => c.value === a))
        throw new Error(`scripted answer ${String(a)} is not a choice of: ${question}`);
      return a;
    },
    text: async (question, opts = {}) => {
      const entry: Asked = { kind: 'text', question, initial: opts.initial, refused: [] };
      asked.push(entry);
      for (;;) {
        const raw = String(next(question));
        const answer = raw === '' ? (opts.initial ?? '') : raw;
        const reason = opts.validate?.(answer);
        if (reason === undefined) return answer;
        entry.refused?.push(reason);
      }
    },
    note: async (text, title) => {
      asked.push({ kind: 'note', question: `${title ?? ''}: ${text}` });
    },
  };
}
