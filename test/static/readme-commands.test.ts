import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/main.js';
import { registry } from '../../src/cli/registry.js';
import { commandProblem } from '../helpers/commands.js';
import { ROOT } from '../helpers/source.js';

// The README's shell blocks are what a new operator pastes first: every `abra ...` in them must
// run a command that exists, with flags that command (or abra itself) defines.

/** `[line number, words after abra]` for each abra invocation in the README's ```sh blocks. */
export function readmeInvocations(text: string): [number, string[]][] {
  const out: [number, string[]][] = [];
  let inSh = false;
  text.split('\n').forEach((line, i) => {
    if (/^```/.test(line)) {
      inSh = !inSh && /^```(sh|bash|shell)\s*$/.test(line);
      return;
    }
    if (!inSh) return;
    // Comments and anything after a pipe, redirection or command separator are not abra's.
    const code = line.replace(/(^|\s)#.*$/, '');
    for (const part of code.split(/\s*(?:\|\||&&|[|;])\s*/)) {
      const words = [...part.matchAll(/"[^"]*"|'[^']*'|\S+/g)].map((m) => m[0].replace(/^["']|["']$/g, ''));
      const at = words.indexOf('abra');
      if (at === -1) continue;
      const rest = words.slice(at + 1);
      const redirect = rest.findIndex((w) => /^[<>]|^\d?>/.test(w));
      out.push([i + 1, redirect === -1 ? rest : rest.slice(0, redirect)]);
    }
  });
  return out;
}

function optionNames(cmd: Command): Set<string> {
  return new Set(cmd.options.flatMap((o) => [o.long, o.short].filter((x): x is string => x !== undefined)));
}

describe('README commands', () => {
  it('finds invocations in sh blocks only, after pipes, without comments or redirections', () => {
    const text = [
      'abra app ls   # not in a block',
      '```sh',
      'abra app ls -m   # JSON',
      "echo 'SELECT 1' | abra app run x db -t -- psql",
      'abra app secret generate x --all -m --show-secrets > values.json',
      'cd x && abra recipe ls',
      '```',
    ].join('\n');
    assert.deepEqual(readmeInvocations(text), [
      [3, ['app', 'ls', '-m']],
      [4, ['app', 'run', 'x', 'db', '-t', '--', 'psql']],
      [5, ['app', 'secret', 'generate', 'x', '--all', '-m', '--show-secrets']],
      [6, ['recipe', 'ls']],
    ]);
  });

  it('every abra command in the README exists and takes the flags it is given', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const found = readmeInvocations(readme);
    assert.ok(found.length > 40, `the README shows many commands (${found.length})`);
    const { program, verbCommands } = buildProgram();
    const global = optionNames(program);
    for (const [spec, cmd] of verbCommands) (await spec.load()).define(cmd);
    const problems: string[] = [];
    // version, autocomplete and help are added beside the registry's nouns (cli/toplevel.ts).
    const topLevel = new Set(
      program.commands
        .filter((c) => !registry.some((n) => n.name === c.name()))
        .flatMap((c) => [c.name(), ...c.aliases()]),
    );
    for (const [line, words] of found) {
      const first = words.find((w) => !w.startsWith('-'));
      const problem =
        first !== undefined && topLevel.has(first) ? undefined : commandProblem(words, registry);
      if (problem) {
        problems.push(`README.md:${line}: ${problem}`);
        continue;
      }
      const cmd = resolve(program, words);
      if (cmd === undefined) continue;
      const flags = new Set([...optionNames(cmd), ...global]);
      const end = words.indexOf('--');
      for (const w of (end === -1 ? words : words.slice(0, end)).filter(
        (x) => x.startsWith('-') && x !== '-',
      )) {
        const flag = w.split('=')[0] ?? w;
        const shorts = /^-[a-zA-Z]{2,}$/.test(flag) ? [...flag.slice(1)].map((c) => `-${c}`) : [flag];
        for (const s of shorts)
          if (!flags.has(s)) problems.push(`README.md:${line}: ${s} is not a flag of it`);
      }
    }
    assert.deepEqual(problems, []);
  });
});

/** The command the words run (aliases count), descending while a word names a subcommand. */
function resolve(program: Command, words: readonly string[]): Command | undefined {
  let cmd: Command = program;
  for (const w of words) {
    if (w.startsWith('-')) continue;
    const next = cmd.commands.find((c) => c.name() === w || c.aliases().includes(w));
    if (next === undefined) break;
    cmd = next;
  }
  return cmd === program ? undefined : cmd;
}
