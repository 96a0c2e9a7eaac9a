// Schema patterns are Go (RE2) regular expressions. They read the same in JavaScript except for
// `.`: Go's matches anything but "\n", JavaScript's also refuses "\r", U+2028 and U+2029.

export function goPatternToJs(pattern: string): string {
  return pattern.replace(/\\.|\[(?:\\.|[^\]])*\]|\./g, (m) => (m === '.' ? '[^\\n]' : m));
}
