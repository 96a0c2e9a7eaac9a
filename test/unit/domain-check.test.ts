// The pre-deploy DNS check with a fake resolver: DOMAIN and EXTRA_DOMAINS, A and AAAA, each
// refusal naming the record, the env key and the fix.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { UserError } from '../../src/errors.js';
import type { ResolvedApp } from '../../src/services/app/resolve.js';
import { checkDomain } from '../../src/services/deploy/domain-check.js';
import type { Dns } from '../../src/services/deps.js';

const home = mkdtempSync(join(tmpdir(), 'abra-dns-'));
after(() => rmSync(home, { recursive: true, force: true }));

const app = { name: 'blog.example', server: 'srv.example', envPath: '/x/blog.example.env' } as ResolvedApp;
const RECORDS: Record<string, { v4?: string[]; v6?: string[] }> = {
  'srv.example': { v4: ['203.0.113.5'], v6: ['2001:db8::5'] },
  'blog.example': { v4: ['203.0.113.5'] },
  'www.blog.example': { v4: ['203.0.113.5'], v6: ['2001:db8:0::5'] },
  'old.example': { v4: ['198.51.100.9'] },
  'v6-elsewhere.example': { v4: ['203.0.113.5'], v6: ['2001:db8::99'] },
};
const dns: Dns = {
  lookup4: async (n) => {
    const v = RECORDS[n]?.v4;
    if (!v?.length) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${n}`), { code: 'ENOTFOUND' });
    return v;
  },
  lookup6: async (n) => RECORDS[n]?.v6 ?? [],
};
const deps = { env: { HOME: home }, events: () => undefined, dns };

async function refusal(env: Record<string, string>): Promise<UserError> {
  try {
    await checkDomain(app, env, deps);
  } catch (err) {
    assert.ok(err instanceof UserError);
    return err;
  }
  assert.fail('expected a refusal');
}

describe('checkDomain', () => {
  it('passes when DOMAIN and every EXTRA_DOMAINS name (A and AAAA) point at the server', async () => {
    await checkDomain(app, { DOMAIN: 'blog.example', EXTRA_DOMAINS: ', `www.blog.example`' }, deps);
  });

  it('skips the local server', async () => {
    await checkDomain({ ...app, server: 'default' }, { DOMAIN: 'nowhere.example' }, deps);
  });

  it('refuses an extra domain pointing elsewhere, naming EXTRA_DOMAINS', async () => {
    const err = await refusal({
      DOMAIN: 'blog.example',
      EXTRA_DOMAINS: ', `www.blog.example`, `old.example`',
    });
    assert.equal(err.code, 'domain_mismatch');
    assert.equal(
      err.message,
      'old.example has A record(s) 198.51.100.9, but server srv.example is 203.0.113.5',
    );
    assert.equal(err.where, '/x/blog.example.env (EXTRA_DOMAINS)');
  });

  it('refuses an AAAA record pointing elsewhere even when A matches', async () => {
    const err = await refusal({ DOMAIN: 'v6-elsewhere.example' });
    assert.equal(err.code, 'domain_mismatch');
    assert.equal(
      err.message,
      'v6-elsewhere.example has AAAA record(s) 2001:db8::99, but server srv.example is 2001:db8::5',
    );
    assert.equal(err.where, '/x/blog.example.env (DOMAIN)');
    assert.match(err.hint ?? '', /AAAA record of v6-elsewhere\.example/);
  });

  it('refuses a name that does not resolve', async () => {
    const err = await refusal({ DOMAIN: 'blog.example', EXTRA_DOMAINS: ', `typo.example`' });
    assert.equal(err.code, 'domain_unresolved');
    assert.match(err.message, /^typo\.example does not resolve \(getaddrinfo ENOTFOUND typo\.example\)$/);
  });

  it('refuses an unreadable EXTRA_DOMAINS before any lookup', async () => {
    let lookups = 0;
    const counting = { ...deps, dns: { lookup4: async () => [String(lookups++)], lookup6: async () => [] } };
    try {
      await checkDomain(app, { DOMAIN: 'blog.example', EXTRA_DOMAINS: 'www.blog.example' }, counting);
      assert.fail('expected a refusal');
    } catch (err) {
      assert.ok(err instanceof UserError);
      assert.equal(err.code, 'extra_domains_invalid');
      assert.equal(err.where, '/x/blog.example.env (EXTRA_DOMAINS)');
    }
    assert.equal(lookups, 0);
  });
});
