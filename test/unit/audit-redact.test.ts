import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REDACTED, redactArgv, redactText } from '../../src/domain/audit/redact.js';

const R = REDACTED;

describe('redactArgv: secret values never reach the audit log', () => {
  const cases: [string, string[], string[]][] = [
    [
      'app secret insert: the value (4th argument) is hidden, name and version stay',
      ['app', 'secret', 'insert', 'cloud.example.com', 'db_password', 'v1', 'hunter2'],
      ['app', 'secret', 'insert', 'cloud.example.com', 'db_password', 'v1', R],
    ],
    [
      'aliases (a sc i) and a value that starts with a dash',
      ['a', 'sc', 'i', 'cloud.example.com', 'db_password', 'v1', '-x9!secret'],
      ['a', 'sc', 'i', 'cloud.example.com', 'db_password', 'v1', R],
    ],
    [
      'global flags before the command words; known switches after the value stay readable',
      ['-d', 'app', 'secret', 'insert', 'cloud.example.com', 'ssl_cert', 'v1', 'cert.pem', '-f', '--trim'],
      ['-d', 'app', 'secret', 'insert', 'cloud.example.com', 'ssl_cert', 'v1', R, '-f', '--trim'],
    ],
    [
      'a flag with a value before the positionals hides more, never less',
      ['app', 'secret', 'insert', '--weird', 'x', 'cloud.example.com', 'db_password', 'v1', 'hunter2'],
      ['app', 'secret', 'insert', '--weird', 'x', 'cloud.example.com', 'db_password', R, R],
    ],
    [
      'a value after -- is hidden, the -- stays',
      ['app', 'secret', 'insert', 'cloud.example.com', 'db_password', 'v1', '--', '--hunter2'],
      ['app', 'secret', 'insert', 'cloud.example.com', 'db_password', 'v1', '--', R],
    ],
    [
      'insert without a value (read from stdin) has nothing to hide',
      ['app', 'secret', 'insert', 'cloud.example.com', 'db_password', 'v1'],
      ['app', 'secret', 'insert', 'cloud.example.com', 'db_password', 'v1'],
    ],
    [
      'secret generate prints secrets but takes none: unchanged',
      ['app', 'secret', 'generate', 'cloud.example.com', 'db_password', 'v1'],
      ['app', 'secret', 'generate', 'cloud.example.com', 'db_password', 'v1'],
    ],
    [
      'a secret-named long flag hides its value, spaced or with =',
      ['app', 'deploy', 'cloud.example.com', '--db-password', 's3cret', '--api-token=abc', '--force'],
      ['app', 'deploy', 'cloud.example.com', '--db-password', R, `--api-token=${R}`, '--force'],
    ],
    [
      "abra's switches with secret-looking names take no value: the next word stays",
      ['app', 'new', 'nextcloud', '--secrets', '--pass', 'extra', '--server', 'srv1'],
      ['app', 'new', 'nextcloud', '--secrets', '--pass', 'extra', '--server', 'srv1'],
    ],
    [
      'KEY=VALUE arguments with secret-looking keys; *_VERSION names a version',
      ['app', 'run', 'x', 'app', '-e', 'DB_PASSWORD=foo', 'SECRET_DB_PASSWORD_VERSION=v2', 'LOG_LEVEL=debug'],
      [
        'app',
        'run',
        'x',
        'app',
        '-e',
        `DB_PASSWORD=${R}`,
        'SECRET_DB_PASSWORD_VERSION=v2',
        'LOG_LEVEL=debug',
      ],
    ],
    [
      'credentials inside URLs',
      ['recipe', 'fetch', 'https://bot:tok3n@git.example.com/r.git'],
      ['recipe', 'fetch', `https://bot:${R}@git.example.com/r.git`],
    ],
    [
      'an ordinary deploy is unchanged',
      ['app', 'deploy', 'cloud.example.com', '1.2.0+3.4', '--chaos', '-n'],
      ['app', 'deploy', 'cloud.example.com', '1.2.0+3.4', '--chaos', '-n'],
    ],
  ];
  for (const [name, argv, want] of cases)
    it(name, () => {
      assert.deepEqual(redactArgv(argv), want);
    });

  it('no secret survives anywhere in the output', () => {
    const secret = 'Zq8-very-secret';
    for (const argv of [
      ['app', 'secret', 'insert', 'a.example', 'n', 'v1', secret],
      ['app', 'secret', 'insert', 'a.example', 'n', 'v1', `-${secret}`],
      ['app', 'deploy', 'a.example', `--password=${secret}`],
      ['app', 'deploy', 'a.example', '--token', secret],
      ['app', 'cmd', 'a.example', 'app', 'fn', '--', `API_KEY=${secret}`],
      ['recipe', 'fetch', `ssh://git:${secret}@host/r.git`],
    ])
      assert.ok(!redactArgv(argv).join(' ').includes(secret), argv.join(' '));
  });
});

describe('redactText', () => {
  it('hides URL passwords in free text (error messages), keeps the rest', () => {
    assert.equal(
      redactText('git clone https://me:pw@example.com/x failed; see http://example.com/'),
      `git clone https://me:${R}@example.com/x failed; see http://example.com/`,
    );
  });

  it('hides an @ inside a password whole, and a bare http(s) userinfo (a forge token)', () => {
    assert.equal(redactText('https://u:p@ss@host/x'), `https://u:${R}@host/x`);
    assert.equal(
      redactText("fatal: 'https://ghp_abc123@github.com/o/r'"),
      `fatal: 'https://${R}@github.com/o/r'`,
    );
    assert.equal(redactText('git+https://tok@h/r'), `git+https://${R}@h/r`);
    // An ssh user is a login name, not a secret; an @ in a path is not userinfo.
    assert.equal(
      redactText('ssh://git@host/r.git git@host:o/r.git'),
      'ssh://git@host/r.git git@host:o/r.git',
    );
    assert.equal(redactText('https://host/a@b'), 'https://host/a@b');
  });
});
