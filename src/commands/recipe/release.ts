import type { Command } from 'commander';
import { withDeps } from '../../cli/context.js';
import { bumpFromFlags } from '../../domain/release/next-version.js';
import { recipeDeps } from '../../services/recipe/deps.js';
import { type RecipeReleaseResult, recipeRelease } from '../../services/recipe/release.js';
import { renderVersionPlan } from '../../ui/release.js';
import { renderJson } from '../../ui/table.js';

interface ReleaseFlags {
  major?: boolean;
  minor?: boolean;
  patch?: boolean;
  notes?: string;
  publish?: boolean;
  dryRun?: boolean;
  machine?: boolean;
}

export function define(cmd: Command): void {
  cmd
    .argument('<recipe>', 'recipe name')
    .argument(
      '[version]',
      'the version to release (X.Y.Z or X.Y.Z+upstream); default: proposed from the changes',
    )
    .option('-x, --major', 'bump the major version (the release may break apps or needs manual steps)')
    .option('-y, --minor', 'bump the minor version (backwards compatible, should go fine)')
    .option('-z, --patch', 'bump the patch version (fixes only, nothing to worry about)')
    .option('--notes <text|file>', 'release notes for release/<version>: the text, or a file holding it')
    .option('-p, --publish', 'push the release commit and tag to origin')
    .option('-r, --dry-run', 'show what would be done; write nothing')
    .option('-m, --machine', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nReleases X.Y.Z+upstream, where upstream is the image tag of the "app" service. Without a version,\n' +
        'the last release is bumped by --major/--minor/--patch, else by the biggest image change since it\n' +
        '(a major/minor/patch upgrade of a tag; another image: major; no image change: patch); a first\n' +
        'release is 0.1.0+upstream, and a version already written by `abra recipe sync` is used as is.\n' +
        'Writes the coop-cloud.${STACK_NAME}.version label (nothing else in compose.yml changes), the notes\n' +
        '(--notes, else release/<version> or release/next if present, else $EDITOR on a terminal; none\n' +
        'without one, with a warning), commits "chore: publish <version> release" and creates the\n' +
        'annotated tag. Refused, changing nothing: uncommitted changes other than the label and the notes\n' +
        'file, an existing tag, a version not above the last one. A failed --publish undoes the release.\n',
    )
    .action(async (name: string, version: string | undefined, opts: ReleaseFlags, self: Command) =>
      withDeps(self, async (deps) => {
        const res = await recipeRelease(
          {
            name,
            version,
            bump: bumpFromFlags(opts),
            notes: opts.notes,
            publish: opts.publish === true,
            dryRun: opts.dryRun === true,
          },
          recipeDeps(deps),
        );
        deps.io.out(opts.machine ? renderJson(res) : render(res));
      }),
    );
}

function render(r: RecipeReleaseResult): string {
  const lines = [renderVersionPlan(r)];
  const notes: Record<typeof r.notes.source, string> = {
    option: 'from --notes',
    file: 'from the --notes file',
    existing: 'the file already there',
    next: 'moved from release/next',
    editor: r.dryRun ? 'asked for in $EDITOR' : 'written in $EDITOR',
    none: 'none',
  };
  lines.push(`Release notes: ${r.notes.path ? `${r.notes.path} (${notes[r.notes.source]})` : 'none'}`);
  const push = r.publish ? `${r.publish.remote} (${r.branch} and tag ${r.tag})` : undefined;
  if (r.dryRun) {
    lines.push(`Would commit "${r.commitMessage}" on ${r.branch} and tag ${r.tag} (annotated).`);
    if (push) lines.push(`Would push to ${push}.`);
    lines.push('Dry run: nothing was written.');
    return lines.join('\n');
  }
  lines.push(
    r.commit
      ? `Committed ${r.commit.slice(0, 8)} "${r.commitMessage}" on ${r.branch}; tagged ${r.tag} (annotated).`
      : `Tagged ${r.tag} (annotated) on ${r.branch}.`,
  );
  lines.push(
    push
      ? `Pushed to ${push}.`
      : `Not published: push with \`git -C ${r.dir} push origin ${r.branch} ${r.tag}\`, or release with --publish next time.`,
  );
  return lines.join('\n');
}
