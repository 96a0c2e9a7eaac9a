import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  fingerprint,
  hostMatches,
  keyTypeOf,
  knownHostsName,
  parseKnownHosts,
  verifyHostKey,
} from '../../src/infra/ssh/known-hosts.js';

// Two real ed25519 public keys and one RSA key (wire format, base64) for golden cases.
const ED_A = 'AAAAC3NzaC1lZDI1NTE5AAAAIHn8kBgGJqS3xKzQ+6J0R0s9C0f5m0S1lT3Yp6o9w2nq';
const ED_B = 'AAAAC3NzaC1lZDI1NTE5AAAAIMkGBhRk1Q0Zo4C8h2K5b0q3n1G0mE6xv9N8m3mH2t1a';
const RSA = 'AAAAB3NzaC1yc2EAAAADAQABAAAAgQC7';

function blob(b64: string): Buffer {
  return Buffer.from(b64, 'base64');
}

describe('known_hosts', () => {
  it('names non-22 ports the OpenSSH way', () => {
    assert.equal(knownHostsName('example.com', 22), 'example.com');
    assert.equal(knownHostsName('127.0.0.1', 2222), '[127.0.0.1]:2222');
  });

  it('reads the key type from the wire-format blob', () => {
    assert.equal(keyTypeOf(blob(ED_A)), 'ssh-ed25519');
    assert.equal(keyTypeOf(blob(RSA)), 'ssh-rsa');
    assert.equal(keyTypeOf(Buffer.alloc(2)), 'unknown');
  });

  it('computes OpenSSH SHA256 fingerprints without padding', () => {
    assert.match(fingerprint(blob(ED_A)), /^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('parses markers, comments and blank lines, keeping line numbers', () => {
    const entries = parseKnownHosts(
      `# comment\n\nexample.com ssh-ed25519 ${ED_A} me@laptop\n@revoked bad.example ssh-ed25519 ${ED_B}\n@cert-authority *.example ssh-ed25519 ${ED_B}\nbroken-line\n`,
      'kh',
    );
    assert.deepEqual(
      entries.map((e) => [e.line, e.marker, e.patterns]),
      [
        [3, '', 'example.com'],
        [4, '@revoked', 'bad.example'],
        [5, '@cert-authority', '*.example'],
      ],
    );
  });

  it('matches globs, negations, lists and hashed names', () => {
    assert.ok(hostMatches('a.example,b.example', 'b.example'));
    assert.ok(hostMatches('*.example', 'x.example'));
    assert.ok(hostMatches('EXAMPLE.com', 'example.COM'));
    assert.ok(!hostMatches('*.example,!bad.example', 'bad.example'));
    assert.ok(hostMatches('[127.0.0.1]:2222', '[127.0.0.1]:2222'));
    assert.ok(!hostMatches('127.0.0.1', '[127.0.0.1]:2222'));
    const salt = Buffer.from('0123456789abcdef0123');
    const hash = createHmac('sha1', salt).update('secret.example').digest('base64');
    const hashed = `|1|${salt.toString('base64')}|${hash}`;
    assert.ok(hostMatches(hashed, 'secret.example'));
    assert.ok(!hostMatches(hashed, 'other.example'));
  });

  it('decides match / unknown / mismatch / revoked', () => {
    const entries = parseKnownHosts(
      [`[h]:2222 ssh-ed25519 ${ED_A}`, `rsaonly ssh-rsa ${RSA}`, `@revoked * ssh-ed25519 ${ED_B}`].join('\n'),
      'kh',
    );
    assert.equal(verifyHostKey(entries, '[h]:2222', blob(ED_A)).kind, 'match');
    assert.equal(verifyHostKey(entries, 'nowhere', blob(ED_A)).kind, 'unknown');
    // Same type on record with another key: the dangerous case.
    const other = parseKnownHosts(`[h]:2222 ssh-ed25519 ${ED_A}`, 'kh');
    const mismatch = verifyHostKey(other, '[h]:2222', blob(ED_B));
    assert.equal(mismatch.kind, 'mismatch');
    // Only an RSA key on record: an ed25519 key is a new type, not a mismatch.
    assert.equal(verifyHostKey(entries, 'rsaonly', blob(ED_A)).kind, 'unknown');
    assert.equal(verifyHostKey(entries, 'anything', blob(ED_B)).kind, 'revoked');
  });
});
