import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import type { RuleResult } from '../../domain/lint/types.js';
import { recipeLint } from '../../services/recipe/lint.js';
import { lintDeps } from '../../services/recipe/lint-deps.js';
import { renderJson, renderTable } from '../../ui/table.js';

export function define(cmd: Command): void {
  cmd
    .argument('<recipe>', 'recipe name')
    .option('-m, --machine', 'print JSON')
    .addHelpText(
      'after',
      '\nChecks the working tree of $ABRA_DIR/recipes/<recipe>: every compose*.yml (loaded with each\n' +
        'COMPOSE_FILE combination .env.sample names, interpolated with its values), .env.sample, abra.sh,\n' +
        "README.md, the git tags and the catalogue entry. Rules R001-R015 are Go abra's; A001-A015 ours.\n" +
        'Exits 1 when an error-level rule fails (Go abra always exits 0). R013 contacts\n' +
        'git.coopcloud.tech unless --offline.\n',
    )
    .action(async (name: string, opts: { machine?: boolean }, self: Command) =>
      withDeps(self, async (deps, globals) => {
        const res = await recipeLint({ name, offline: globals.offline }, lintDeps(deps));
        if (!res.ok) process.exitCode = 1;
        if (opts.machine) return deps.io.out(renderJson(res));
        deps.io.out(
          renderTable(
            ['ref', 'rule', 'severity', 'satisfied', 'skipped', 'how to fix'],
            res.rules.map((r) => [
              r.id,
              r.title,
              r.severity,
              r.skipped ? '-' : r.satisfied ? 'yes' : 'no',
              r.skipped ? 'yes' : 'no',
              r.satisfied || r.skipped ? '' : r.howToFix,
            ]),
          ),
        );
        const findings = res.rules.flatMap((r) =>
          r.findings.map((f) => [r.id, r.severity, where(f), f.message]),
        );
        if (findings.length > 0)
          deps.io.out(
            `\nFindings:\n${indent(renderTable(['ref', 'severity', 'where', 'problem'], findings))}`,
          );
        const skipped = res.rules.filter((r) => r.skipped);
        if (skipped.length > 0)
          deps.io.out(`\nSkipped:\n${skipped.map((r) => `  ${r.id}  ${r.skipReason ?? ''}`).join('\n')}`);
        deps.io.out(`\n${summary(res.recipe, res.rules, res.errors, res.warnings)}`);
      }),
    );
}

function where(f: { file?: string; line?: number }): string {
  if (f.file === undefined) return '-';
  return f.line === undefined ? f.file : `${f.file}:${f.line}`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

function summary(recipe: string, rules: RuleResult[], errors: number, warnings: number): string {
  const failed = (sev: string) =>
    rules
      .filter((r) => r.severity === sev && !r.skipped && !r.satisfied)
      .map((r) => r.id)
      .join(', ');
  const parts = [
    errors > 0 ? `${errors} error-level rule(s) failed (${failed('error')})` : 'no error-level rule failed',
    warnings > 0 ? `${warnings} warning(s) (${failed('warn')})` : 'no warnings',
  ];
  return `${recipe}: ${parts.join('; ')}`;
}
