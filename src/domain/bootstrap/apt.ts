// Why `apt-get install` failed, read from its output, so bootstrap can say what to do next.

export type AptFailure =
  | { kind: 'locked'; holder: string | undefined }
  | { kind: 'interrupted' }
  | { kind: 'no-package' }
  | { kind: 'other'; detail: string };

export function classifyAptFailure(output: string): AptFailure {
  // "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 1234 (apt-get)"
  if (
    /Could not get lock|Unable to acquire the dpkg frontend lock|Unable to lock the administration directory/i.test(
      output,
    )
  ) {
    const m = /held by process (\d+)(?: \(([^)]*)\))?/i.exec(output);
    return { kind: 'locked', holder: m ? `process ${m[1]}${m[2] ? ` (${m[2]})` : ''}` : undefined };
  }
  if (/dpkg was interrupted/i.test(output)) return { kind: 'interrupted' };
  if (/Unable to locate package|has no installation candidate/i.test(output)) return { kind: 'no-package' };
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('E:'));
  return { kind: 'other', detail: lines.at(-1) ?? output.trim().split('\n').at(-1) ?? '' };
}
