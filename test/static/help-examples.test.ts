import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Command } from 'commander';
import { examples } from '../../src/cli/examples.js';
import { buildProgram } from '../../src/cli/main.js';
import { isGroup, registry } from '../../src/cli/registry.js';
import { commandProblem } from '../helpers/commands.js';

// Every leaf command's --help ends with examples a user can paste: each names that command and
// only flags it (or abra itself) accepts. A renamed flag must take its examples with it.

function leafPaths(): string[] {
  return registry.flatMap((n) =>
    n.verbs.flatMap((v) =>
      isGroup(v) ? v.verbs.map((s) => `${n.name} ${v.name} ${s.name}`) : [`${n.name} ${v.name}`],
    ),
  );
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
  it('every leaf command has examples, and every example belongs to a command', () => {
    const leaves = new Set(leafPaths());
    const missing = [...leaves].filter((p) => !(examples[p]?.length ?? 0));
    assert.deepEqual(missing, [], 'add examples for these commands in src/cli/examples.ts');
    const stray = Object.keys(examples).filter((p) => !leaves.has(p) && p !== 'version');
    assert.deepEqual(stray, [], 'examples keyed by a command path that does not exist');
  });

  it('each example runs its own command with flags that command defines', async () => {
    const { program, verbCommands } = buildProgram();
    const global = optionNames(program);
    const problems: string[] = [];
    for (const [spec, cmd] of verbCommands) {
      (await spec.load()).define(cmd);
      const path: string[] = [];
      for (let c: Command | null = cmd; c && c !== program; c = c.parent) path.unshift(c.name());
      const key = path.join(' ');
      const flags = new Set([...optionNames(cmd), ...global]);
      for (const line of examples[key] ?? []) {
        const w = words(line);
        if (w[0] !== 'abra') {
          problems.push(`${key}: "${line}" does not start with abra`);
          continue;
        }
        const problem = commandProblem(w.slice(1), registry);
        if (problem) problems.push(`${key}: "${line}": ${problem}`);
        const named = w.slice(1).filter((x) => !x.startsWith('-'));
        if (named.slice(0, path.length).join(' ') !== key)
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
