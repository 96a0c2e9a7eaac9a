// Rewriting image references in a compose file's text without touching anything else: only the
// value of `image:` lines whose value is exactly the old reference changes (quotes, comments,
// indentation, line endings and every other byte stay). Parsing and re-serialising the YAML
// would lose comments and formatting maintainers care about.

export interface RewriteResult {
  text: string;
  /** 1-based lines changed, with the old and new reference. */
  changes: { line: number; from: string; to: string }[];
}

const IMAGE_LINE = /^(\s*(?:-\s+)?image\s*:[ \t]*)(["']?)([^"'\s#]+)\2([ \t]*(?:#.*)?)(\r?)$/;

/** Replace references by `replacements` (old reference -> new reference) on `image:` lines. */
export function rewriteImages(text: string, replacements: ReadonlyMap<string, string>): RewriteResult {
  const changes: RewriteResult['changes'] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const m = IMAGE_LINE.exec(line);
    if (!m) continue;
    const [, lead = '', quote = '', ref = '', tail = '', cr = ''] = m;
    const next = replacements.get(ref);
    if (next === undefined || next === ref) continue;
    lines[i] = `${lead}${quote}${next}${quote}${tail}${cr}`;
    changes.push({ line: i + 1, from: ref, to: next });
  }
  return { text: lines.join('\n'), changes };
}
