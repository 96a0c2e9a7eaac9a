import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Certificates made by openssl for tests that serve HTTPS locally (node:https with an
// SNICallback, one certificate per host name): a test CA, and leaves self-signed or signed by it
// within given dates (expired, not yet valid, about to expire...).

export interface KeyPair {
  key: string;
  cert: string;
}

export interface TestCerts {
  /** Self-signed, or signed by the test CA (CN=Probe Test CA) from start to end (openssl's YYYYMMDDHHMMSSZ). */
  cert(name: string, how: 'self' | { start: string; end: string }): KeyPair;
  cleanup(): void;
}

export function makeTestCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'abra-certs-'));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  writeFileSync(
    join(dir, 'ca.cnf'),
    '[ca]\ndefault_ca=d\n[d]\ndir=.\ndatabase=index.txt\nnew_certs_dir=.\nserial=serial\ndefault_md=sha256\npolicy=p\ncopy_extensions=copy\n[p]\ncommonName=supplied\n',
  );
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '01\n');
  ssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '3650',
    '-subj',
    '/CN=Probe Test CA',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
  );
  return {
    cert(name, how) {
      const key = `${name}.key`;
      const san = ['-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`, '-keyout', key];
      if (how === 'self') {
        ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '90', ...san, '-out', `${name}.pem`);
      } else {
        ssl('req', '-newkey', 'rsa:2048', '-nodes', ...san, '-out', `${name}.csr`);
        ssl(
          'ca',
          '-batch',
          '-config',
          'ca.cnf',
          '-cert',
          'ca.pem',
          '-keyfile',
          'ca.key',
          '-startdate',
          how.start,
          '-enddate',
          how.end,
          '-in',
          `${name}.csr`,
          '-out',
          `${name}.pem`,
        );
      }
      return {
        key: readFileSync(join(dir, key), 'utf8'),
        cert: readFileSync(join(dir, `${name}.pem`), 'utf8'),
      };
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** openssl's date format for `now + days` (negative: in the past). */
export function opensslDate(days: number, now = Date.now()): string {
  return `${new Date(now + days * 86_400_000).toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}
