import { LINT_RULES } from './rules/index.js';
import type { Finding, LintInput, LintReport, LintRule, RuleResult } from './types.js';

/** Run every rule; a rule's repeated findings (one per COMPOSE_FILE combination) count once. */
export function runLint(input: LintInput, rules: readonly LintRule[] = LINT_RULES): LintReport {
  const results = rules.map((rule): RuleResult => {
    const base = { id: rule.id, severity: rule.severity, title: rule.title, howToFix: rule.howToFix };
    const reason = rule.skip?.(input);
    if (reason !== undefined)
      return { ...base, satisfied: false, skipped: true, skipReason: reason, findings: [] };
    const findings = unique(rule.check(input));
    return { ...base, satisfied: findings.length === 0, skipped: false, findings };
  });
  const failed = (severity: string) =>
    results.filter((r) => r.severity === severity && !r.skipped && !r.satisfied).length;
  return { results, errors: failed('error'), warnings: failed('warn') };
}

function unique(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.file}\0${f.line}\0${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
