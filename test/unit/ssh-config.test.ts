import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { resolveSshTarget } from '../../src/infra/ssh/config.js';

function configDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'abra-sshcfg-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const env = { USER: 'alice' } as NodeJS.ProcessEnv;

describe('ssh client config', () => {
  it('resolves a Host alias to HostName, User, Port, IdentityFile, known_hosts', () => {
    const dir = configDir({
      config: [
        'Host lab',
        '  HostName 127.0.0.1',
        '  Port 2222',
        '  User root',
        '  IdentityFile ~/keys/%r-%h',
        '  IdentitiesOnly yes',
        '  UserKnownHostsFile /tmp/kh1 /tmp/kh2',
        '',
        'Host *',
        '  User nobody',
        '  ConnectTimeout 5',
      ].join('\n'),
    });
    const t = resolveSshTarget('lab', { configPath: join(dir, 'config'), env });
    assert.equal(t.host, '127.0.0.1');
    assert.equal(t.port, 2222);
    assert.equal(t.user, 'root', 'first obtained value wins, as in OpenSSH');
    assert.deepEqual(t.identityFiles, [join(homedir(), 'keys/root-127.0.0.1')]);
    assert.equal(t.identityFilesExplicit, true);
    assert.equal(t.identitiesOnly, true);
    assert.deepEqual(t.knownHostsFiles, ['/tmp/kh1', '/tmp/kh2']);
    assert.equal(t.connectTimeoutMs, 5000);
  });

  it('falls back to OpenSSH defaults for an unknown host', () => {
    const t = resolveSshTarget('plain.example', {
      configPath: '/nonexistent/config',
      env: { USER: 'bob', SSH_AUTH_SOCK: '/tmp/agent' },
    });
    assert.equal(t.host, 'plain.example');
    assert.equal(t.port, 22);
    assert.equal(t.user, 'bob');
    assert.equal(t.identityFilesExplicit, false);
    assert.equal(t.identityAgent, '/tmp/agent');
    assert.ok(t.knownHostsFiles[0]?.endsWith('.ssh/known_hosts'));
  });

  it('follows Include with globs relative to the config directory', () => {
    const dir = configDir({
      config: 'Include conf.d/*.conf\nHost *\n  Port 22\n',
      'conf.d/a.conf': 'Host inc\n  HostName 10.0.0.9\n  Port 2200\n',
    });
    const t = resolveSshTarget('inc', { configPath: join(dir, 'config'), env });
    assert.equal(t.host, '10.0.0.9');
    assert.equal(t.port, 2200);
  });

  it('expands [...] classes in Include and warns, instead of ignoring, when an Include cannot be expanded', () => {
    const dir = configDir({
      config: 'Include c[ab].conf\nInclude plain/*\nInclude sub/*/x\nInclude [z-a]*\nInclude gone/*\n',
      'cb.conf': 'Host inc\n  Port 2201\n',
      plain: 'a file, not a directory\n',
    });
    const t = resolveSshTarget('inc', { configPath: join(dir, 'config'), env });
    assert.equal(t.port, 2201);
    const cfg = join(dir, 'config');
    assert.deepEqual(t.warnings, [
      `${cfg}: Include plain/* was skipped: its directory cannot be read: a part of the path is a file, not a directory (ENOTDIR).`,
      `${cfg}: Include sub/*/x was skipped: abra expands wildcards only in the file name, not in directories.`,
      `${cfg}: Include [z-a]* was skipped: the pattern is malformed (an unclosed [ or a reversed range).`,
    ]);
  });

  it('a config that is a directory is an error naming it, not an empty config', () => {
    const dir = configDir({ 'config/x': '' });
    assert.throws(
      () => resolveSshTarget('x', { configPath: join(dir, 'config'), env }),
      (err: Error & { where?: string }) =>
        /is a directory/.test(err.message) && err.where === join(dir, 'config'),
    );
  });

  it('rejects an invalid port with the config file named', () => {
    const dir = configDir({ config: 'Host bad\n  Port 99999\n' });
    assert.throws(
      () => resolveSshTarget('bad', { configPath: join(dir, 'config'), env }),
      (err: Error & { where?: string }) => {
        assert.match(err.message, /not a valid port/);
        assert.equal(err.where, join(dir, 'config'));
        return true;
      },
    );
  });

  it('honours IdentityAgent none', () => {
    const dir = configDir({ config: 'Host x\n  IdentityAgent none\n' });
    const t = resolveSshTarget('x', {
      configPath: join(dir, 'config'),
      env: { ...env, SSH_AUTH_SOCK: '/a' },
    });
    assert.equal(t.identityAgent, undefined);
  });
});
