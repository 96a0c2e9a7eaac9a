import assert from 'node:assert/strict';
import { dirname, join, normalize } from 'node:path';
import { describe, it } from 'node:test';
import { importsOf, type SourceFile, sourceFiles } from '../helpers/source.js';

// The layering (README "Development"): cli -> commands -> services -> domain + infra.
// Each entry lists the layers a layer must not import from.
const FORBIDDEN: Record<string, readonly string[]> = {
  domain: ['infra', 'services', 'commands', 'cli', 'ui', 'web'],
  infra: ['services', 'commands', 'cli', 'ui', 'web'],
  services: ['commands', 'cli', 'ui', 'web'],
  commands: ['cli'],
  // The dashboard is a front end beside the commands: it calls the same services.
  web: ['commands', 'cli'],
};

/** Node modules that do I/O: the domain is pure and gets its inputs passed in. */
const IO_MODULES = [
  'fs',
  'fs/promises',
  'child_process',
  'net',
  'http',
  'https',
  'os',
  'dgram',
  'dns',
  'tls',
];

export interface Allowed {
  from: string;
  to: string;
  typeOnly: boolean;
  why: string;
}

// Exceptions, each with its reason. The lead empties the second entry when services emit
// events instead of writing through src/ui/io.ts (issue 8, item 3); then delete it.
export const ALLOWED: readonly Allowed[] = [
  {
    from: 'src/commands/',
    to: 'src/cli/context.ts',
    typeOnly: false,
    why: 'commands get their deps from the CLI',
  },
];

const layerOf = (path: string): string => path.split('/')[1] ?? '';

/** `file:line: layer -> target (what)` for every import against the layering. */
export function importViolations(
  files: readonly SourceFile[],
  allowed: readonly Allowed[] = ALLOWED,
): string[] {
  const out: string[] = [];
  for (const f of files) {
    const from = layerOf(f.path);
    for (const imp of importsOf(f.text)) {
      if (imp.specifier.startsWith('.')) {
        const target = normalize(join(dirname(f.path), imp.specifier)).replace(/\.js$/, '.ts');
        const to = layerOf(target);
        if (!FORBIDDEN[from]?.includes(to)) continue;
        const ok = allowed.some(
          (a) => f.path.startsWith(a.from) && target === a.to && (!a.typeOnly || imp.typeOnly),
        );
        if (!ok)
          out.push(
            `${f.path}:${imp.line}: ${from} -> ${to} (${target}${imp.typeOnly ? ', types only' : ''})`,
          );
      } else if (from === 'domain' && IO_MODULES.includes(imp.specifier.replace(/^node:/, ''))) {
        out.push(`${f.path}:${imp.line}: domain -> ${imp.specifier} (the domain does no I/O)`);
      }
    }
  }
  return out;
}

describe('import direction', () => {
  it('no layer imports one above it (cli -> commands -> services -> domain + infra)', () => {
    const files = sourceFiles();
    assert.ok(files.length > 100, 'the walk found the sources');
    const bad = importViolations(files);
    assert.deepEqual(bad, [], `forbidden imports:\n${bad.join('\n')}`);
  });

  it('the checker catches each forbidden direction and honours the allow-list exactly', () => {
    const files: SourceFile[] = [
      {
        path: 'src/domain/a.ts',
        text: "import { x } from '../infra/docker/client.js';\nimport { readFileSync } from 'node:fs';\n",
      },
      { path: 'src/domain/b.ts', text: "import { join } from 'node:path';\nimport { y } from './c.js';\n" },
      {
        path: 'src/infra/c.ts',
        text: "// import { z } from '../services/deps.js';\nexport { z } from '../services/deps.js';\n",
      },
      {
        path: 'src/services/d.ts',
        text: "import type { Io } from '../ui/io.js';\nimport { renderTable } from '../ui/table.js';\n",
      },
      {
        path: 'src/services/e.ts',
        text: "import { consoleIo } from '../ui/io.js';\nconst m = import('../cli/main.js');\n",
      },
      { path: 'src/services/f.ts', text: "import { type Io, type Out } from '../ui/io.js';\n" },
      {
        path: 'src/commands/g.ts',
        text: "import { withDeps } from '../cli/context.js';\nimport { main } from '../cli/main.js';\n",
      },
      { path: 'src/cli/h.ts', text: "import { define } from '../commands/app/ls.js';\n" },
    ];
    assert.deepEqual(importViolations(files), [
      'src/domain/a.ts:1: domain -> infra (src/infra/docker/client.ts)',
      'src/domain/a.ts:2: domain -> node:fs (the domain does no I/O)',
      'src/infra/c.ts:2: infra -> services (src/services/deps.ts)',
      'src/services/d.ts:1: services -> ui (src/ui/io.ts, types only)',
      'src/services/d.ts:2: services -> ui (src/ui/table.ts)',
      'src/services/e.ts:1: services -> ui (src/ui/io.ts)',
      'src/services/e.ts:2: services -> cli (src/cli/main.ts)',
      'src/services/f.ts:1: services -> ui (src/ui/io.ts, types only)',
      'src/commands/g.ts:2: commands -> cli (src/cli/main.ts)',
    ]);
  });
});
