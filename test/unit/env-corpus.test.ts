import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseEnv } from '../../src/domain/env/document.js';

// Copies of the .env.sample files of the recipe corpus (docs: shared/recipes-corpus).
const RECIPES = [
  'agora',
  'bonfire-deploy',
  'bookshelfng',
  'bore',
  'custom-php',
  'example',
  'foodsharing-cms',
  'go-ssb-room',
  'traefik',
  'wordpress',
];

function sample(recipe: string): string {
  return readFileSync(new URL(`../fixtures/env/${recipe}.env.sample`, import.meta.url), 'utf8');
}

describe('corpus .env.sample files', () => {
  for (const recipe of RECIPES) {
    it(`${recipe}: parses and gives back every byte`, () => {
      const text = sample(recipe);
      const doc = parseEnv(text, `${recipe}/.env.sample`);
      assert.equal(doc.toString(), text);
      assert.ok(doc.entries().length >= 3, 'reads its assignments');
      assert.equal(doc.values().LETS_ENCRYPT_ENV, 'production');
    });
  }

  it('bonfire-deploy: values that refer to other keys are expanded; modifiers are read', () => {
    const doc = parseEnv(sample('bonfire-deploy'), 'bonfire');
    const v = doc.values();
    assert.equal(v.APP_DOCKER_IMAGE, 'bonfirenetworks/bonfire:latest-classic-amd64');
    assert.equal(v.HOSTNAME, 'bonfire.example.com');
    assert.equal(v.DB_DOCKER_IMAGE, 'ghcr.io/baosystems/postgis:12-3.3');
    assert.equal(v.COMPOSE_FILE, undefined);
    assert.equal(v.SECRET_SECRET_KEY_BASE_VERSION, 'v1');
    assert.deepEqual(doc.modifiers(), {
      SECRET_SECRET_KEY_BASE_VERSION: { length: '128' },
      SECRET_SIGNING_SALT_VERSION: { length: '128' },
      SECRET_ENCRYPTION_SALT_VERSION: { length: '128' },
    });
    assert.equal(Object.keys(v).length, 27);
  });

  it('bonfire-deploy: the flavour feeds the image, and the outside env does not override the file', () => {
    const text = sample('bonfire-deploy').replace('FLAVOUR=classic', 'FLAVOUR=social');
    assert.equal(
      parseEnv(text, 'f').values({ FLAVOUR: 'ember' }).APP_DOCKER_IMAGE,
      'bonfirenetworks/bonfire:latest-social-amd64',
    );
  });

  it('example: the undefined ${REPO_NAME_KEBAB} placeholder expands to ""', () => {
    assert.deepEqual(parseEnv(sample('example'), 'f').values(), {
      TYPE: '',
      DOMAIN: '.example.com',
      LETS_ENCRYPT_ENV: 'production',
    });
    assert.equal(
      parseEnv(sample('example'), 'f').values({ REPO_NAME_KEBAB: 'demo' }).DOMAIN,
      'demo.example.com',
    );
  });

  it('traefik: COMPOSE_FILE is only in comments; uncommenting the SMTP block enables it', () => {
    const text = sample('traefik');
    assert.equal(parseEnv(text, 'f').values().COMPOSE_FILE, undefined);
    assert.equal(parseEnv(text, 'f').values().LOG_LEVEL, 'WARN');
    const smtp = text.replace('#COMPOSE_FILE="compose.yml:compose.smtp.yml"\n#SMTP_ENABLED=1', () =>
      ['COMPOSE_FILE="compose.yml:compose.smtp.yml"', 'SMTP_ENABLED=1'].join('\n'),
    );
    assert.notEqual(smtp, text);
    const v = parseEnv(smtp, 'f').values();
    assert.equal(v.COMPOSE_FILE, 'compose.yml:compose.smtp.yml');
    assert.equal(v.SMTP_ENABLED, '1');
  });

  it('foodsharing-cms: a quoted COMPOSE_FILE and a bare *', () => {
    const v = parseEnv(sample('foodsharing-cms'), 'f').values();
    assert.equal(v.COMPOSE_FILE, 'compose.yml');
    assert.equal(v.CORS_ORIGINS, '*');
    assert.equal(v.DOMAIN, 'foodsharing.se');
  });

  it('bookshelfng: no TYPE, an empty EXTRA_DOMAINS', () => {
    assert.deepEqual(parseEnv(sample('bookshelfng'), 'f').values(), {
      DOMAIN: 'bookshelfng.example.com',
      EXTRA_DOMAINS: '',
      LETS_ENCRYPT_ENV: 'production',
    });
  });

  it('agora: an uncommented EXTRA_DOMAINS keeps its single-quoted backticks and comma', () => {
    const text = sample('agora').replace("#EXTRA_DOMAINS='", "EXTRA_DOMAINS='");
    assert.equal(parseEnv(text, 'f').values().EXTRA_DOMAINS, ', `www.agora.example.com`');
  });

  it('wordpress: an uncommented multi-line WORDPRESS_CONFIG_EXTRA reads as lines with tabs', () => {
    // Uncomment both multisite blocks; the second (phase 2) wins.
    const text = sample('wordpress').replace(/^#(WORDPRESS_CONFIG_EXTRA=|\t)/gm, '$1');
    const doc = parseEnv(text, 'f');
    assert.equal(doc.toString(), text);
    const extra = doc.entries().filter((e) => e.key === 'WORDPRESS_CONFIG_EXTRA');
    assert.deepEqual(
      extra.map((e) => [e.line, e.quote]),
      [
        [15, 'double'],
        [20, 'double'],
      ],
    );
    const lines = doc.values().WORDPRESS_CONFIG_EXTRA?.split('\n');
    assert.equal(lines?.length, 11);
    assert.equal(lines?.[0], '');
    assert.equal(lines?.[1], "\tdefine('WP_CACHE', false);");
    assert.equal(lines?.[5], "\tdefine('DOMAIN_CURRENT_SITE', 'wordpress.example.com');");
    assert.equal(lines?.[10], "\tdefine('COOKIE_DOMAIN', $_SERVER['HTTP_HOST']);");
  });

  it('custom-php and go-ssb-room: plain values', () => {
    assert.equal(parseEnv(sample('custom-php'), 'f').values().DOMAIN, 'example.com');
    assert.equal(parseEnv(sample('custom-php'), 'f').values().SECRET_DB_PASSWORD_VERSION, 'v1');
    assert.equal(parseEnv(sample('go-ssb-room'), 'f').values().TYPE, 'go-ssb-room');
    assert.equal(parseEnv(sample('bore'), 'f').values().DOMAIN, 'bore.example.com');
  });

  it('app new: the sample with the domain replaced keeps every other byte', () => {
    const text = sample('traefik');
    const doc = parseEnv(text, 'f').set('DOMAIN', 'proxy.coop.tld');
    assert.equal(doc.toString(), text.replace('DOMAIN=traefik.example.com', 'DOMAIN=proxy.coop.tld'));
  });
});
