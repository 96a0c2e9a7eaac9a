// A recipe's abra.sh is a shell script that abra never runs to find config versions: it reads
// `export NAME=value` lines as text. Go abra (ReadAbraShEnvVars) takes lines that start with
// `export` at column 0 and whose value starts with a word character, and keeps everything
// after `=`. Differences here, all on lines real recipes do not have: quoted values are read
// (quotes removed) and a trailing `# comment` is not part of the value. Lines whose value
// needs a shell (`$`, backticks, `;`, ...) or is empty are skipped, as Go abra skips them.

const EXPORT = /^export[ \t]+([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;
const REST = /^(?:[ \t]+(?:#.*)?)?$/;
const SHELL_SPECIAL = /[$`\\;&|<>(){}*?[\]~]/;

/** Values of the column-0 `export NAME=value` lines, later lines winning; nothing is executed. */
export function readAbraShExports(text: string): Record<string, string> {
  const found = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = EXPORT.exec(line.endsWith('\r') ? line.slice(0, -1) : line);
    if (m === null) continue;
    const value = readValue(m[2]!);
    if (value !== undefined && value !== '') found.set(m[1]!, value);
  }
  return Object.fromEntries(found);
}

function readValue(text: string): string | undefined {
  const quote = text[0];
  if (quote === "'" || quote === '"') {
    const close = text.indexOf(quote, 1);
    if (close === -1 || !REST.test(text.slice(close + 1))) return undefined;
    const body = text.slice(1, close);
    // Inside double quotes the shell would still expand `$`, backticks and backslashes.
    if (quote === '"' && /[$`\\]/.test(body)) return undefined;
    return body;
  }
  const space = text.search(/[ \t]/);
  const word = space === -1 ? text : text.slice(0, space);
  if (SHELL_SPECIAL.test(word) || /['"#]/.test(word)) return undefined;
  if (space !== -1 && !REST.test(text.slice(space))) return undefined;
  return word;
}
