// The README metadata block feeds the catalogue's `features`:
//   <!-- metadata -->
//   * **Category**: Apps
//   * **Status**: 3, stable
//   ...
//   <!-- endmetadata -->

export const METADATA_FIELDS = [
  'Category',
  'Status',
  'Image',
  'Healthcheck',
  'Backups',
  'Email',
  'Tests',
  'SSO',
];

export interface ReadmeMetadata {
  /** 1-based line of `<!-- metadata -->`. */
  line: number;
  fields: Record<string, string>;
}

/** The metadata block, or undefined when the README has none. */
export function readMetadata(readme: string): ReadmeMetadata | undefined {
  const lines = readme.split('\n');
  const start = lines.findIndex((l) => /<!--\s*metadata\s*-->/.test(l));
  if (start === -1) return undefined;
  const fields: Record<string, string> = {};
  for (const line of lines.slice(start + 1)) {
    if (/<!--\s*endmetadata\s*-->/.test(line)) break;
    const m = /^\s*[*-]\s*\*\*([^*]+)\*\*\s*:?\s*(.*)$/.exec(line);
    if (m) fields[m[1]!.trim().replace(/:$/, '')] = m[2]!.trim();
  }
  return { line: start + 1, fields };
}

/** Fields that are absent or empty (`?` and `-` count as empty: template placeholders). */
export function missingMetadata(meta: ReadmeMetadata): string[] {
  return METADATA_FIELDS.filter((f) => {
    const v = meta.fields[f];
    return v === undefined || v === '' || v === '?' || v === '-';
  });
}
