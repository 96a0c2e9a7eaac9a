import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseEnv } from '../../src/domain/env/document.js';
import { checkAppEnv } from '../../src/domain/lint/app-env.js';
import { readEnvSample } from '../../src/domain/lint/sample.js';
import { templateVars, trailingVar } from '../../src/domain/lint/template.js';
import { composeFileRefs, planVariants, referencedComposeFiles } from '../../src/domain/lint/variants.js';
import { isUserError } from '../../src/errors.js';

const SAMPLE = `TYPE=wordpress

DOMAIN=wordpress.example.com
## Domain aliases
#EXTRA_DOMAINS=', \`www.wordpress.example.com\`'
LETS_ENCRYPT_ENV=production
# WARN, INFO etc.
SECRET_DB_PASSWORD_VERSION=v1 # length=32

# Remote SMTP relay
#COMPOSE_FILE="compose.yml:compose.mailrelay.yml:compose.smtp.yml"
#SMTP_HOST="mail.example.com"
# SECRET_SMTP_PASSWORD_VERSION=v1
#WORDPRESS_CONFIG_EXTRA="\\
#	define('WP_CACHE', false);"
`;

describe('readEnvSample', () => {
  it('splits active keys (required) from commented #KEY= lines (optional), with lines and values', () => {
    const s = readEnvSample(SAMPLE, '.env.sample');
    assert.deepEqual(
      s.active.map((k) => [k.key, k.line, k.value]),
      [
        ['TYPE', 1, 'wordpress'],
        ['DOMAIN', 3, 'wordpress.example.com'],
        ['LETS_ENCRYPT_ENV', 6, 'production'],
        ['SECRET_DB_PASSWORD_VERSION', 8, 'v1'],
      ],
    );
    assert.deepEqual(
      s.commented.map((k) => [k.key, k.line, k.value]),
      [
        ['EXTRA_DOMAINS', 5, ', `www.wordpress.example.com`'],
        ['COMPOSE_FILE', 11, 'compose.yml:compose.mailrelay.yml:compose.smtp.yml'],
        ['SMTP_HOST', 12, 'mail.example.com'],
        ['SECRET_SMTP_PASSWORD_VERSION', 13, 'v1'],
        ['WORDPRESS_CONFIG_EXTRA', 14, ''],
      ],
    );
  });

  it('throws the env parser error (file:line) for an invalid sample', () => {
    assert.throws(
      () => readEnvSample('B=1\nA="x\n', '.env.sample'),
      (err: unknown) => isUserError(err) && /^\.env\.sample:2/.test(err.where ?? ''),
    );
  });
});

describe('checkAppEnv', () => {
  const sample = readEnvSample(SAMPLE, '.env.sample');

  it('reports missing required keys, unset optional ones, and extra keys, with lines', () => {
    const app = parseEnv(
      'TYPE=wordpress:1.0.0+6.5\nDOMAIN=blog.example.org\nSMTP_HOST=mail.example.org\nMY_OWN=1\n',
      'blog.env',
    );
    assert.deepEqual(checkAppEnv(sample, app), {
      missing: [
        { key: 'LETS_ENCRYPT_ENV', line: 6 },
        { key: 'SECRET_DB_PASSWORD_VERSION', line: 8 },
      ],
      optional: [
        { key: 'EXTRA_DOMAINS', line: 5 },
        { key: 'COMPOSE_FILE', line: 11 },
        { key: 'SECRET_SMTP_PASSWORD_VERSION', line: 13 },
        { key: 'WORDPRESS_CONFIG_EXTRA', line: 14 },
      ],
      extra: [{ key: 'MY_OWN', line: 4 }],
    });
  });

  it('treats RECIPE= and TYPE= as the same key', () => {
    const app = parseEnv(
      'RECIPE=wordpress\nDOMAIN=x\nLETS_ENCRYPT_ENV=production\nSECRET_DB_PASSWORD_VERSION=v2\n',
      'x.env',
    );
    const res = checkAppEnv(sample, app);
    assert.deepEqual(res.missing, []);
    assert.deepEqual(res.extra, []);
  });
});

describe('compose file combinations', () => {
  const sample = readEnvSample(
    'TYPE=x\nCOMPOSE_FILE="compose.yml"\n#COMPOSE_FILE="$COMPOSE_FILE:postgres/compose.pg.yml"\n# COMPOSE_FILE="compose.yml:compose.smtp.yml:../evil.yml"\n',
    '.env.sample',
  );

  it('expands $COMPOSE_FILE in commented lines and drops paths leaving the recipe', () => {
    assert.deepEqual(composeFileRefs(sample), [
      { line: 2, active: true, files: ['compose.yml'] },
      { line: 3, active: false, files: ['compose.yml', 'postgres/compose.pg.yml'] },
      { line: 4, active: false, files: ['compose.yml', 'compose.smtp.yml'] },
    ]);
    assert.deepEqual(referencedComposeFiles(sample), ['postgres/compose.pg.yml']);
  });

  it('plans compose.yml, the named combinations, then each uncovered overlay with compose.yml', () => {
    const refs = composeFileRefs(sample);
    assert.deepEqual(
      planVariants(['compose.yml', 'compose.smtp.yml', 'compose.x.yml', 'postgres/compose.pg.yml'], refs),
      [
        ['compose.yml'],
        ['compose.yml', 'postgres/compose.pg.yml'],
        ['compose.yml', 'compose.smtp.yml'],
        ['compose.yml', 'compose.x.yml'],
      ],
    );
    // A combination naming a missing file is not loaded (A002 reports it).
    assert.deepEqual(planVariants(['compose.yml', 'compose.x.yml'], refs), [
      ['compose.yml'],
      ['compose.yml', 'compose.x.yml'],
    ]);
  });
});

describe('template variables', () => {
  it('reads docker template syntax, skipping $$', () => {
    assert.deepEqual(
      templateVars('a $A ${B} ${C:-x} ${D-y} ${E:?no} $${F} $$G').map((v) => [v.name, v.op, v.arg]),
      [
        ['A', '', ''],
        ['B', '', ''],
        ['C', ':-', 'x'],
        ['D', '-', 'y'],
        ['E', ':?', 'no'],
      ],
    );
  });

  it('finds the trailing _${..._VERSION} of a name', () => {
    assert.equal(trailingVar('${STACK_NAME}_db_${SECRET_DB_VERSION:-v1}')?.name, 'SECRET_DB_VERSION');
    assert.equal(trailingVar('${STACK_NAME}_db_$V')?.name, 'V');
    assert.equal(trailingVar('${STACK_NAME}_db'), undefined);
    assert.equal(trailingVar('${STACK_NAME}_db_v1'), undefined);
    assert.equal(trailingVar('${STACK_NAME}${V}'), undefined, 'the version follows an underscore');
  });
});
