import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeEnv, composeFilesOf } from '../../src/domain/compose/app-env.js';
import { readAbraShExports } from '../../src/domain/env/abra-sh.js';
import { parseEnv } from '../../src/domain/env/document.js';

export interface RecipeVariant {
  recipe: string;
  /** Which commented block of .env.sample was switched on ("base" for none). */
  label: string;
  files: string[];
  env: Record<string, string>;
  /** The variant as an app env file would hold it (the sample with DOMAIN set). */
  envText: string;
  domain: string;
}

const ASSIGN = /^#\s*(export\s+)?[A-Za-z_][A-Za-z0-9_]*=/;

/**
 * The .env.sample as shipped, plus one variant per commented-out block (a run of comment lines
 * holding `#KEY=value` lines, like "## SMTP\n#COMPOSE_FILE=...\n#SMTP_ENABLED=1") with that
 * block's assignments switched on: every overlay combination the sample names.
 */
export function recipeVariants(
  dir: string,
  recipe: string,
  domain = `${recipe}.test.example`,
): RecipeVariant[] {
  const samplePath = join(dir, '.env.sample');
  const sample = existsSync(samplePath) ? readFileSync(samplePath, 'utf8') : '';
  const abraSh = existsSync(join(dir, 'abra.sh'))
    ? readAbraShExports(readFileSync(join(dir, 'abra.sh'), 'utf8'))
    : {};
  const lines = sample.split('\n');
  const blocks: number[][] = [];
  let current: number[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '' || !line.trimStart().startsWith('#')) {
      if (current.length) blocks.push(current);
      current = [];
      return;
    }
    if (ASSIGN.test(line.trim())) current.push(i);
  });
  if (current.length) blocks.push(current);
  const variant = (label: string, enabled: number[]): RecipeVariant => {
    const body = lines.map((l, i) => (enabled.includes(i) ? l.trim().replace(/^#\s*/, '') : l)).join('\n');
    const envText = `${body}${body.endsWith('\n') || body === '' ? '' : '\n'}DOMAIN=${domain}\n`;
    const values = parseEnv(envText, `${recipe}/.env.sample`).values();
    return {
      recipe,
      label,
      files: composeFilesOf(values).map((f) => join(dir, f)),
      env: composeEnv(values, abraSh, domain),
      envText,
      domain,
    };
  };
  return [
    variant('base', []),
    ...blocks.map((b) => variant(lines[b[0] as number]?.trim().replace(/^#\s*/, '') ?? '?', b)),
  ];
}
