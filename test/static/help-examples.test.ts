import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Command } from 'commander';
import { isHidden } from '../../src/cli/complete/spec.js';
import { examples } from '../../src/cli/examples.js';
import { buildProgram } from '../../src/cli/main.js';
import { registry } from '../../src/cli/registry.js';
import { commandProblem } from '../helpers/commands.js';

// Every leaf command's --help ends with examples a user can paste: each names that command and
// only flags it (or abra itself) accepts. A renamed flag must take its examples with it.

/**
 * Every command a user can run, by path: leaves of the command tree (verbs of nouns, verbs of
 * groups, and top-level commands such as `version`). Hidden commands (`__complete`, called by the
 * completion scripts) are not for people: they need no examples and must not get any. `help`
 * carries its own examples next to its topics.
 */
function leafCommands(program: Command): { key: string; cmd: Command; hidden: boolean }[] {
  const out: { key: string; cmd: Command; hidden: boolean }[] = [];
  const walk = (cmd: Command, path: string[], hidden: boolean) => {
    for (const c of cmd.commands) {
      const p = [...path, c.name()];
      const h = hidden || isHidden(c);
      if (c.commands.length > 0) walk(c, p, h);
      else if (c.name() !== 'help' || path.length > 0) out.push({ key: p.join(' '), cmd: c, hidden: h });
    }
  };
  walk(program, [], false);
  return out;
}

function optionNames(cmd: Command): Set<string> {
  return new Set(cmd.options.flatMap((o) => [o.long, o.short].filter((x): x is string => x !== undefined)));
}

/** The words of an example before its comment, shell quotes removed. */
function words(line: string): string[] {
  const code = line.replace(/\s+#.*$/, '').replace(/\s[<>|].*$/, '');
  const all = [...code.matchAll(/"[^"]*"|'[^']*'|\S+/g)].map((m) => m[0].replace(/^["']|["']$/g, ''));
  const start = all.findIndex((w) => !/^[A-Z_]+=/.test(w));
  const end = all.indexOf('--');
  return all.slice(start, end === -1 ? undefined : end);
}

describe('help examples', () => {
  it('every leaf command has examples, hidden ones none, and every example belongs to a command', () => {
    const leaves = leafCommands(buildProgram().program);
    const shown = new Set(leaves.filter((l) => !l.hidden).map((l) => l.key));
    const hidden = leaves.filter((l) => l.hidden).map((l) => l.key);
    assert.ok(shown.has('app deploy') && shown.has('app secret generate') && shown.has('autocomplete'));
    assert.deepEqual(hidden, ['__complete'], 'the hidden commands');
    const missing = [...shown].filter((p) => !(examples[p]?.length ?? 0));
    assert.deepEqual(missing, [], 'add examples for these commands in src/cli/examples.ts');
    const stray = Object.keys(examples).filter((p) => !shown.has(p));
    assert.deepEqual(stray, [], 'examples keyed by a command path that does not exist or is hidden');
  });

  it('each example runs its own command with flags that command defines', async () => {
    const { program, verbCommands } = buildProgram();
    for (const [spec, cmd] of verbCommands) (await spec.load()).define(cmd);
    const global = optionNames(program);
    const nouns = new Set(registry.map((n) => n.name));
    const problems: string[] = [];
    for (const { key, cmd } of leafCommands(program).filter((l) => !l.hidden)) {
      const path = key.split(' ');
      const flags = new Set([...optionNames(cmd), ...global]);
      for (const line of examples[key] ?? []) {
        const w = words(line);
        if (w[0] !== 'abra') {
          problems.push(`${key}: "${line}" does not start with abra`);
          continue;
        }
        // Top-level commands (version, autocomplete) are not registry nouns.
        const problem = nouns.has(path[0] ?? '') ? commandProblem(w.slice(1), registry) : undefined;
        if (problem) problems.push(`${key}: "${line}": ${problem}`);
        const named = w.slice(1).filter((x) => !x.startsWith('-'));
        // `abra -v` is `abra version`, as in Go abra.
        const versionFlag = key === 'version' && named.length === 0;
        if (!versionFlag && named.slice(0, path.length).join(' ') !== key)
          problems.push(`${key}: "${line}" runs another command`);
        for (const f of w.slice(1).filter((x) => x.startsWith('-') && x !== '-')) {
          const flag = f.split('=')[0] ?? f;
          const short = /^-[a-zA-Z]{2,}$/.test(flag) ? [...flag.slice(1)].map((c) => `-${c}`) : [flag];
          for (const s of short)
            if (!flags.has(s)) problems.push(`${key}: "${line}" uses ${s}, which it does not define`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });
});
