import { Cancelled, UserError } from '../errors.js';
import type { Prompt, PromptChoice } from '../services/deps.js';
import { printable } from './sanitize.js';

export interface TerminalPromptOptions {
  noInput: boolean;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
}

type Clack = typeof import('@clack/prompts');

/**
 * The Prompt services ask through, drawn by @clack/prompts. The library is loaded on the
 * first question: most runs never ask, and a non-interactive run must not pay for it.
 */
export function terminalPrompt(opts: TerminalPromptOptions): Prompt {
  const stdin = opts.stdin ?? process.stdin;
  const stdout = opts.stdout ?? process.stdout;
  const stderr = opts.stderr ?? process.stderr;
  const interactive = !opts.noInput && stdin.isTTY === true && stdout.isTTY === true;
  // A confirmation with stdin on a terminal but stdout redirected (`abra app rm x | tee`) is
  // still asked, on stderr, so the answer never ends up in the redirected output.
  const output = stdout.isTTY === true ? stdout : stderr;
  // A pseudo-terminal nobody sized (script(1) run by a program) reports 0 columns, and the
  // library would wrap every character onto its own line.
  if (output.isTTY === true && !output.columns) output.columns = 80;
  let loaded: Promise<Clack> | undefined;
  const clack = () => {
    loaded ??= import('@clack/prompts');
    return loaded;
  };
  const common = { input: stdin, output };
  const answered = <T>(c: Clack, value: T): Exclude<T, symbol> => {
    if (c.isCancel(value)) {
      c.cancel('Cancelled; nothing was changed.', common);
      throw new Cancelled('Cancelled at a question; nothing was changed.', { signal: 'SIGINT' });
    }
    return value as Exclude<T, symbol>;
  };
  const needsTerminal = (question: string) =>
    new UserError(`Needs an answer, but there is no terminal to ask: ${question}`, {
      hint: 'Give the missing arguments on the command line (see --help).',
      code: 'usage',
    });
  return {
    interactive,
    confirm: async (question) => {
      if (opts.noInput) return true;
      if (!stdin.isTTY) {
        throw new UserError(`Needs confirmation, but there is no terminal to ask: ${question}`, {
          hint: 'Re-run with --no-input (-n) to proceed without asking.',
          code: 'confirmation_required',
        });
      }
      const c = await clack();
      // [y/N]: the keys work as in abra, and No is what Enter gives.
      return answered(c, await c.confirm({ ...common, message: `${question} [y/N]`, initialValue: false }));
    },
    select: async (question, choices, o = {}) => {
      if (!interactive) throw needsTerminal(question);
      const c = await clack();
      const options = choices.map(toOption);
      const initialValue = o.initial;
      const value = o.search
        ? await c.autocomplete<string>({
            ...common,
            message: question,
            options,
            maxItems: 10,
            placeholder: 'type to filter',
            ...(initialValue === undefined ? {} : { initialValue }),
          })
        : await c.select<string>({
            ...common,
            message: question,
            options,
            maxItems: 10,
            ...(initialValue === undefined ? {} : { initialValue }),
          });
      return answered(c, value);
    },
    text: async (question, o = {}) => {
      if (!interactive) throw needsTerminal(question);
      const c = await clack();
      const initial = o.initial;
      const validate = o.validate;
      const value = await c.text({
        ...common,
        message: question,
        ...(initial === undefined ? {} : { placeholder: initial, defaultValue: initial }),
        // clack validates the raw input; an empty answer stands for the default.
        ...(validate === undefined
          ? {}
          : {
              validate: (raw: string | undefined) =>
                validate(raw === undefined || raw === '' ? (initial ?? '') : raw),
            }),
      });
      return answered(c, value);
    },
    note: async (text, title) => {
      if (!interactive) return;
      const c = await clack();
      c.note(printable(text, '\n'), title === undefined ? undefined : printable(title, ''), common);
    },
  };
}

function toOption(choice: PromptChoice): { value: string; label?: string; hint?: string } {
  // Recipe names and release notes come from git remotes: they must not drive the terminal.
  return {
    value: choice.value,
    label: printable(choice.label ?? choice.value, ''),
    ...(choice.hint === undefined ? {} : { hint: printable(choice.hint, '') }),
  };
}
