import { RECIPE_VERSION_LABEL } from '../domain/recipe/version-label.js';
import type { ImageChange } from '../domain/release/next-version.js';

export interface VersionPlanView {
  recipe: string;
  previous: string | undefined;
  version: string;
  source: 'argument' | 'flag' | 'images' | 'first' | 'label';
  bump: string | undefined;
  changes: readonly ImageChange[];
  label: { file: string; line: number; from: string | undefined; to: string };
}

const WHY: Record<VersionPlanView['source'], string> = {
  argument: 'as given',
  flag: 'bump asked for',
  images: 'from the image changes',
  first: 'first release',
  label: 'from the synced version label',
};

/** What a release or sync decided: the version, why, the image changes and the label edit. */
export function renderVersionPlan(p: VersionPlanView): string {
  const lines = [
    `Recipe ${p.recipe}: ${p.previous ?? '(no release yet)'} -> ${p.version} (${p.bump ? `${p.bump}, ` : ''}${WHY[p.source]})`,
  ];
  for (const c of p.changes)
    lines.push(
      `  ${c.service}: ${c.from ?? '(new service)'} -> ${c.to ?? '(removed)'}  [${c.why}: ${c.bump}]`,
    );
  if (p.changes.length === 0 && p.previous !== undefined)
    lines.push('  no image changed since the last release');
  lines.push(
    p.label.from === p.label.to
      ? `${p.label.file}:${p.label.line} ${RECIPE_VERSION_LABEL}=${p.label.to} (already set)`
      : `${p.label.file}:${p.label.line} ${RECIPE_VERSION_LABEL}=${p.label.from ?? ''} -> ${p.label.to}`,
  );
  return lines.join('\n');
}
