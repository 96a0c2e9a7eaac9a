import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCredentialKey } from '../../src/domain/audit/redact.js';
import { parseEnv } from '../../src/domain/env/document.js';
import { effectiveEnv } from '../../src/domain/env/effective.js';
import { revealSecrets, SecretText } from '../../src/domain/secret/sensitive.js';

const FILE = '/abra/servers/default/x.example.com.env';
const ENV = `TYPE=wordpress:1.0.0+6.5
DOMAIN=x.example.com
COMPOSE_FILE="compose.yml:compose.smtp.yml"
SMTP_PASSWORD=hunter2
SECRET_DB_PASSWORD_VERSION=v2 # length=32
WORDPRESS_CONFIG_VERSION=v1
DOMAIN=y.example.com
STACK_NAME=mine
`;

function golden(abraSh: Record<string, string> = {}) {
  const doc = parseEnv(ENV, FILE);
  return effectiveEnv({
    domain: 'x.example.com',
    envFile: FILE,
    envValues: doc.values(),
    envLines: new Map(doc.entries().map((e) => [e.key, e.line])),
    abraSh,
    abraShWhere: 'abra.sh of recipe wordpress (1.0.0+6.5)',
  });
}

describe('effectiveEnv (app env)', () => {
  it('env file, then abra.sh exports, then STACK_NAME; sorted; each with where it came from (golden)', () => {
    const vars = golden({ WORDPRESS_CONFIG_VERSION: 'v3', NGINX_CONF_VERSION: 'v1' });
    assert.deepEqual(
      vars.map((v) => [
        v.key,
        v.value instanceof SecretText ? '<secret>' : v.value,
        v.from,
        v.where,
        v.overrides,
      ]),
      [
        ['COMPOSE_FILE', 'compose.yml:compose.smtp.yml', 'env file', `${FILE}:3`, undefined],
        // A key set twice: the last line wins, and is the one named.
        ['DOMAIN', 'y.example.com', 'env file', `${FILE}:7`, undefined],
        ['NGINX_CONF_VERSION', 'v1', 'abra.sh', 'abra.sh of recipe wordpress (1.0.0+6.5)', undefined],
        ['SECRET_DB_PASSWORD_VERSION', 'v2', 'env file', `${FILE}:5`, undefined],
        ['SMTP_PASSWORD', '<secret>', 'env file', `${FILE}:4`, undefined],
        ['STACK_NAME', 'x_example_com', 'computed', 'the domain x.example.com, "." as "_"', `${FILE}:8`],
        ['TYPE', 'wordpress:1.0.0+6.5', 'env file', `${FILE}:1`, undefined],
        ['WORDPRESS_CONFIG_VERSION', 'v3', 'abra.sh', 'abra.sh of recipe wordpress (1.0.0+6.5)', `${FILE}:6`],
      ],
    );
  });

  it('credential-like values are SecretText: absent from JSON unless revealed; versions stay visible', () => {
    const vars = golden();
    const smtp = vars.find((v) => v.key === 'SMTP_PASSWORD');
    assert.ok(smtp?.value instanceof SecretText);
    assert.equal(smtp.sensitive, true);
    const json = JSON.stringify({ vars });
    assert.ok(!json.includes('hunter2'));
    assert.match(json, /"key":"SMTP_PASSWORD","sensitive":true,"from":"env file"/);
    assert.ok(JSON.stringify(revealSecrets({ vars })).includes('"value":"hunter2"'));
    assert.equal(vars.find((v) => v.key === 'SECRET_DB_PASSWORD_VERSION')?.value, 'v2');
  });

  it('which names count as credentials', () => {
    for (const k of ['SMTP_PASSWORD', 'API_TOKEN', 'SECRET_KEY_BASE', 'DB_PASS', 'AUTH_KEY'])
      assert.ok(isCredentialKey(k), k);
    for (const k of [
      'SECRET_DB_PASSWORD_VERSION',
      'DOMAIN',
      'COMPOSE_FILE',
      'PASSWORDLESS_LOGIN',
      'KEYCLOAK_URL',
    ])
      assert.ok(!isCredentialKey(k), k);
  });
});
