import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EditFile } from '../app/config.js';
import type { VersionPlan } from './release-plan.js';

// As git does for commit messages: everything from this line down is help, not notes, so
// notes may use `#` headings freely.
export const SCISSORS = '# ------------------------ >8 ------------------------';

/** Release notes typed in the user's editor; undefined when they left them empty. */
export async function editNotes(plan: VersionPlan, edit: EditFile): Promise<string | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'abra-release-'));
  const file = join(dir, `${plan.version}.md`);
  try {
    await writeFile(file, `\n${SCISSORS}\n${help(plan)}`, { mode: 0o600 });
    await edit(file);
    return notesFrom(await readFile(file, 'utf8'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The text above the scissors line, trimmed; undefined when nothing is left. */
export function notesFrom(edited: string): string | undefined {
  const cut = edited.indexOf(SCISSORS);
  const text = (cut === -1 ? edited : edited.slice(0, cut)).trim();
  return text === '' ? undefined : `${text}\n`;
}

function help(plan: VersionPlan): string {
  const lines = [
    `# Release notes for ${plan.recipe} ${plan.version}, saved as release/${plan.version}.`,
    '# Operators read them during `abra app upgrade`: say what changed and what they must do.',
    '# Write above the line; leave it empty for no notes.',
    `# Previous release: ${plan.previous ?? 'none'}.`,
  ];
  for (const c of plan.changes)
    lines.push(`#   ${c.service}: ${c.from ?? '(new)'} -> ${c.to ?? '(removed)'} (${c.why})`);
  return `${lines.join('\n')}\n`;
}
