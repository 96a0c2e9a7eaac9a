import { createHash, createHmac } from 'node:crypto';
import { readIfExistsSync } from '../store/read.js';

/** One usable line of an OpenSSH known_hosts file. */
export interface KnownHostEntry {
  file: string;
  line: number;
  marker: '' | '@revoked' | '@cert-authority';
  patterns: string;
  keyType: string;
  key: Buffer;
}

export type HostKeyVerdict =
  | { kind: 'match'; entry: KnownHostEntry }
  | { kind: 'unknown' }
  | { kind: 'mismatch'; entries: KnownHostEntry[] }
  | { kind: 'revoked'; entry: KnownHostEntry };

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'] = '';
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority')
      marker = fields.shift() as KnownHostEntry['marker'];
    const [patterns, keyType, b64] = fields;
    if (!patterns || !keyType || !b64) return;
    entries.push({ file, line: i + 1, marker, patterns, keyType, key: Buffer.from(b64, 'base64') });
  });
  return entries;
}

export function readKnownHosts(files: string[]): KnownHostEntry[] {
  return files.flatMap((file) => {
    const text = readIfExistsSync(file, 'The known_hosts file');
    return text === undefined ? [] : parseKnownHosts(text, file);
  });
}

/** OpenSSH pattern-list semantics: `*`/`?` globs, `!` negation, hashed `|1|salt|hmac` entries. */
export function hostMatches(patterns: string, name: string): boolean {
  if (patterns.startsWith('|1|')) {
    const [, , salt, hash] = patterns.split('|');
    if (!salt || !hash) return false;
    const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return mac === hash;
  }
  let matched = false;
  for (const p of patterns.split(',')) {
    const negated = p.startsWith('!');
    const glob = negated ? p.slice(1) : p;
    if (globMatch(glob.toLowerCase(), name.toLowerCase())) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

function globMatch(glob: string, s: string): boolean {
  const re = new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return re.test(s);
}

/** The key type is the first length-prefixed string of the SSH wire-format public key blob. */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('latin1');
}

export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export function verifyHostKey(entries: KnownHostEntry[], name: string, presented: Buffer): HostKeyVerdict {
  const forHost = entries.filter((e) => e.marker !== '@cert-authority' && hostMatches(e.patterns, name));
  const revoked = forHost.find((e) => e.marker === '@revoked' && e.key.equals(presented));
  if (revoked) return { kind: 'revoked', entry: revoked };
  const plain = forHost.filter((e) => e.marker === '');
  const match = plain.find((e) => e.key.equals(presented));
  if (match) return { kind: 'match', entry: match };
  // OpenSSH only calls it a mismatch when a key of the same type is on record; a host that
  // offers a new key type is "unknown" for that type.
  const sameType = plain.filter((e) => e.keyType === keyTypeOf(presented));
  if (sameType.length > 0) return { kind: 'mismatch', entries: sameType };
  return { kind: 'unknown' };
}
