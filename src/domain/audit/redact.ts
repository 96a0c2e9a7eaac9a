// The audit log is shared with every operator of a server and kept on it, so it must never hold
// a secret value. Redaction errs on the side of hiding too much: a hidden file path costs a
// little context, a leaked password costs a rotation.

export const REDACTED = '<redacted>';

/**
 * Commands whose positional arguments from `from` on are secret values, by command words with
 * their aliases: `abra app secret insert <app> <name> <version> <value>`.
 */
const SECRET_POSITIONALS: readonly { words: readonly (readonly string[])[]; from: number }[] = [
  {
    words: [
      ['app', 'a'],
      ['secret', 'sc', 's'],
      ['insert', 'i'],
    ],
    from: 3,
  },
];

/** Flags of secret-taking commands that take no value, so they may stay visible after the secret. */
const PLAIN_FLAGS = new Set([
  '-f',
  '--file',
  '-t',
  '--trim',
  '-C',
  '--chaos',
  '-p',
  '--pass',
  '-m',
  '--machine',
  '--show-secrets',
  '-d',
  '--debug',
  '-n',
  '--no-input',
  '-o',
  '--offline',
  '-h',
  '--help',
]);

/** Flags whose names look secret but that are switches in abra (`app new --secrets --pass`). */
const SWITCHES = new Set(['--secrets', '--pass', '--all', '--no-pass', '--show-secrets']);

// A name segment meaning "this holds a credential": --db-password, API_TOKEN, --secret-key.
const SECRET_SEGMENT =
  /(^|[-_.])(pass|password|passwd|passphrase|pwd|secret|secrets|token|apikey|key|credential|credentials|auth|private)([-_.]|$)/i;

/** argv with secret values replaced by REDACTED; the command words and flags stay readable. */
export function redactArgv(argv: readonly string[]): string[] {
  const out = argv.map(redactText);
  const secretFrom = secretPositionalStart(argv);
  let afterDashDash = false;
  for (let i = 0; i < out.length; i++) {
    const tok = argv[i] ?? '';
    if (tok === '--' && !afterDashDash) {
      afterDashDash = true;
      continue;
    }
    if (secretFrom !== undefined && i >= secretFrom) {
      if (afterDashDash || !PLAIN_FLAGS.has(tok)) out[i] = REDACTED;
      continue;
    }
    if (afterDashDash || !tok.startsWith('-')) {
      out[i] = redactAssignment(out[i] ?? '');
      continue;
    }
    const eq = tok.indexOf('=');
    const name = eq < 0 ? tok : tok.slice(0, eq);
    if (!tok.startsWith('--') || SWITCHES.has(name) || !SECRET_SEGMENT.test(name.slice(2))) continue;
    if (eq >= 0) out[i] = `${name}=${REDACTED}`;
    else if (i + 1 < out.length && !(argv[i + 1] ?? '').startsWith('-')) out[++i] = REDACTED;
  }
  return out;
}

// scheme://userinfo@ where userinfo runs to the LAST "@" before the host: an unescaped "@" in
// a password must not leave its tail visible.
const URL_USERINFO = /([a-z][a-z0-9+.-]*:\/\/)([^\s/?#]*)@/gi;

/**
 * Hide credentials inside free text (debug lines, git's messages, errors):
 * `scheme://user:password@host` keeps the user only, and an http(s) userinfo without a password
 * is hidden whole, because that is where forges take access tokens (`https://<token>@host`).
 */
export function redactText(text: string): string {
  return text.replace(URL_USERINFO, (whole, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    if (colon >= 0) return `${scheme}${userinfo.slice(0, colon)}:${REDACTED}@`;
    if (/^(git\+)?https?:\/\/$/i.test(scheme) && userinfo !== '') return `${scheme}${REDACTED}@`;
    return whole;
  });
}

/** Index in argv of the first secret positional, if argv is a secret-taking command. */
function secretPositionalStart(argv: readonly string[]): number | undefined {
  const words: number[] = [];
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i] ?? '';
    if (tok === '--') break;
    if (!tok.startsWith('-')) words.push(i);
  }
  for (const rule of SECRET_POSITIONALS) {
    for (let w = 0; w + rule.words.length <= words.length; w++) {
      const matches = rule.words.every((names, k) => names.includes(argv[words[w + k] ?? -1] ?? ''));
      if (!matches) continue;
      // Positionals are counted as every non-flag token after the command words, so a flag value
      // counted by mistake moves the start earlier (more hidden), never later. Everything after
      // the last plain positional is hidden, so a secret starting with "-" is hidden too.
      const rest = words.slice(w + rule.words.length);
      if (rest.length < rule.from) return undefined;
      const lastPlain = rule.from === 0 ? words[w + rule.words.length - 1] : rest[rule.from - 1];
      return (lastPlain ?? 0) + 1;
    }
  }
  return undefined;
}

/** `DB_PASSWORD=hunter2` -> `DB_PASSWORD=<redacted>`; `SECRET_X_VERSION=v1` names a version, not a secret. */
function redactAssignment(tok: string): string {
  const m = /^([A-Za-z_][A-Za-z0-9_.-]*)=(.*)$/s.exec(tok);
  if (!m) return tok;
  const key = m[1] ?? '';
  return isCredentialKey(key) ? `${key}=${REDACTED}` : tok;
}

/** Whether a variable's name says it holds a credential (`SMTP_PASSWORD`, not `SECRET_X_VERSION`). */
export function isCredentialKey(key: string): boolean {
  return !/_VERSION$/i.test(key) && SECRET_SEGMENT.test(key);
}
