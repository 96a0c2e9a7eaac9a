import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { edit, findings, GOOD, lint, result, without } from './lint-helpers.js';

const CONFIG_NAME = 'name: ${STACK_NAME}_nginx_conf_${NGINX_CONF_VERSION}';
const SECRET_NAME = 'name: ${STACK_NAME}_db_password_${SECRET_DB_PASSWORD_VERSION}';

describe('R012 config versions vendored in abra.sh', () => {
  it('flags a config version missing from abra.sh, and one kept in .env.sample', () => {
    const noAbraSh = without(GOOD, 'abra.sh');
    assert.deepEqual(findings(noAbraSh, 'R012'), [
      {
        message: 'config nginx_conf: NGINX_CONF_VERSION is not exported by abra.sh (the recipe has none)',
        file: 'compose.yml',
        line: 42,
      },
    ]);
    const inSample = edit(noAbraSh, '.env.sample', 'TYPE=demo\n', 'TYPE=demo\nNGINX_CONF_VERSION=v1\n');
    assert.match(
      findings(inSample, 'R012')[0]?.message ?? '',
      /is set in \.env\.sample, not exported by abra\.sh/,
    );
  });

  it('accepts a compose default as vendored', () => {
    const files = edit(
      without(GOOD, 'abra.sh'),
      'compose.yml',
      '${NGINX_CONF_VERSION}',
      '${NGINX_CONF_VERSION:-v2}',
    );
    assert.deepEqual(findings(files, 'R012'), []);
  });
});

describe('R015 long secret names', () => {
  it('flags secret keys over 12 characters', () => {
    const files = edit(
      edit(GOOD, 'compose.yml', '  db_password:\n    external', '  db_root_password:\n    external'),
      'compose.yml',
      '      - db_password\n',
      '      - db_root_password\n',
    );
    assert.deepEqual(findings(files, 'R015'), [
      { message: 'secret db_root_password is 16 characters long', file: 'compose.yml', line: 47 },
    ]);
  });
});

describe('A004 references defined', () => {
  it('flags secrets, configs, networks and volumes a service uses but the combination does not define', () => {
    const overlay = `version: "3.8"
services:
  app:
    secrets:
      - github_secret
    configs:
      - source: extra_conf
        target: /x
    networks:
      - backend
    volumes:
      - type: volume
        source: cache
        target: /cache
`;
    const files = { ...GOOD, 'compose.github.yml': overlay };
    assert.deepEqual(findings(files, 'A004'), [
      {
        message: 'service app uses config extra_conf, which compose.yml:compose.github.yml does not define',
        file: 'compose.github.yml',
        line: 7,
      },
      {
        message:
          'service app uses secret github_secret, which compose.yml:compose.github.yml does not define',
        file: 'compose.github.yml',
        line: 5,
      },
      {
        message: 'service app uses network backend, which compose.yml:compose.github.yml does not define',
        file: 'compose.github.yml',
        line: 10,
      },
      {
        message: 'service app uses volume cache, which compose.yml:compose.github.yml does not define',
        file: 'compose.github.yml',
        line: 12,
      },
    ]);
  });

  it('lets an overlay use what compose.yml defines, and only loads overlays with their named partners', () => {
    const mail = `version: "3.8"
services:
  app:
    configs:
      - source: msmtp_conf
        target: /etc/msmtprc
configs:
  msmtp_conf:
    name: \${STACK_NAME}_msmtp_conf_\${MSMTP_CONF_VERSION}
    file: msmtp.conf
`;
    const smtp =
      'version: "3.8"\nservices:\n  app:\n    configs:\n      - source: msmtp_conf\n        target: /etc/x\n';
    const files = {
      ...edit(
        GOOD,
        '.env.sample',
        'TYPE=demo\n',
        'TYPE=demo\n#COMPOSE_FILE="compose.yml:compose.mail.yml:compose.smtp.yml"\n',
      ),
      'compose.mail.yml': mail,
      'compose.smtp.yml': smtp,
      'abra.sh': 'export NGINX_CONF_VERSION=v1\nexport MSMTP_CONF_VERSION=v1\n',
    };
    assert.deepEqual(findings(files, 'A004'), []);
  });
});

describe('A005 definitions used', () => {
  it('flags a config, secret, volume and network nothing uses, once each', () => {
    const files = edit(
      GOOD,
      'compose.yml',
      '\nconfigs:\n',
      '\nconfigs:\n  entrypoint_conf:\n    name: ${STACK_NAME}_entrypoint_conf_${NGINX_CONF_VERSION}\n    file: e.sh\n',
    );
    const more = edit(
      edit(files, 'compose.yml', '\nvolumes:\n  data:\n', '\nvolumes:\n  data:\n  spare:\n'),
      'compose.yml',
      '    external: true\nvolumes',
      '    external: true\n  backend:\nvolumes',
    );
    assert.deepEqual(findings(more, 'A001'), [], 'the edited recipe still loads');
    const f = findings(more, 'A005');
    assert.deepEqual(
      f.map((x) => [x.message, x.line]),
      [
        [
          'config entrypoint_conf is defined but no service uses it; docker stack deploy still creates it, so its file must exist',
          43,
        ],
        ['network backend is defined but no service uses it', 38],
        ['volume spare is defined but no service uses it', 41],
      ],
    );
  });

  it('counts short volume syntax as use, and binds as not naming a volume', () => {
    assert.deepEqual(findings(GOOD, 'A005'), []);
    const bind = edit(GOOD, 'compose.yml', '      - data:/var/www\n', '      - ./data:/var/www\n');
    assert.deepEqual(
      findings(bind, 'A005').map((x) => x.message),
      ['volume data is defined but no service uses it'],
    );
  });
});

describe('A006 versioned, stack-scoped names', () => {
  it('flags a name without version variable, without stack prefix, and a definition without name', () => {
    const files = edit(
      edit(GOOD, 'compose.yml', CONFIG_NAME, 'name: nginx_conf_${NGINX_CONF_VERSION}'),
      'compose.yml',
      SECRET_NAME,
      'name: ${STACK_NAME}_db_password',
    );
    assert.deepEqual(findings(files, 'A006'), [
      {
        message:
          'config nginx_conf: name "nginx_conf_${NGINX_CONF_VERSION}" does not start with ${STACK_NAME}_, so apps on one server would share it',
        file: 'compose.yml',
        line: 42,
      },
      {
        message:
          'secret db_password: name "${STACK_NAME}_db_password" does not end in a version variable (_${..._VERSION})',
        file: 'compose.yml',
        line: 47,
      },
    ]);
    const noName = edit(GOOD, 'compose.yml', `    ${SECRET_NAME}\n`, '');
    assert.deepEqual(findings(noName, 'A006'), [
      {
        message:
          'external secret db_password has no name: swarm looks up an object literally called db_password, shared by every app on the server',
        file: 'compose.yml',
        line: 45,
      },
    ]);
  });

  it('accepts a version variable with a default', () => {
    const files = edit(
      GOOD,
      'compose.yml',
      '${SECRET_DB_PASSWORD_VERSION}',
      '${SECRET_DB_PASSWORD_VERSION:-v1}',
    );
    assert.deepEqual(findings(files, 'A006'), []);
  });
});

describe('A007 version variable naming', () => {
  it("flags traefik's ovh_consumer_key style: SECRET_X instead of SECRET_X_VERSION", () => {
    const files = edit(
      edit(GOOD, 'compose.yml', '${SECRET_DB_PASSWORD_VERSION}', '${SECRET_DB_PASSWORD}'),
      '.env.sample',
      'SECRET_DB_PASSWORD_VERSION=v1',
      'SECRET_DB_PASSWORD=v1',
    );
    assert.deepEqual(findings(files, 'A007'), [
      {
        message:
          'secret db_password is versioned by SECRET_DB_PASSWORD, not SECRET_DB_PASSWORD_VERSION: abra reads generation modifiers (length=, charset=) from SECRET_DB_PASSWORD_VERSION, and operators rotating it look for that key',
        file: 'compose.yml',
        line: 47,
      },
    ]);
    // The name still carries a variable, so A006 (no version at all) does not also fire.
    assert.deepEqual(findings(files, 'A006'), []);
  });

  it('flags a config versioned by a variable not ending in _VERSION', () => {
    const files = {
      ...edit(GOOD, 'compose.yml', '${NGINX_CONF_VERSION}', '${NGINX_CONF_REV}'),
      'abra.sh': 'export NGINX_CONF_REV=v1\n',
    };
    assert.deepEqual(
      findings(files, 'A007').map((f) => f.message),
      ['config nginx_conf is versioned by NGINX_CONF_REV, which does not end in _VERSION'],
    );
  });
});

describe('A008 secret versions in .env.sample', () => {
  it('flags a secret version variable .env.sample lacks; commented lines count', () => {
    const files = edit(GOOD, '.env.sample', 'SECRET_DB_PASSWORD_VERSION=v1 # length=32\n', '');
    assert.deepEqual(findings(files, 'A008'), [
      {
        message:
          'secret db_password: SECRET_DB_PASSWORD_VERSION is not in .env.sample, so a new app gets an empty version and the secret name ends in "_"',
        file: 'compose.yml',
        line: 47,
      },
    ]);
    const commented = edit(
      GOOD,
      '.env.sample',
      'SECRET_DB_PASSWORD_VERSION=v1',
      '#SECRET_DB_PASSWORD_VERSION=v1',
    );
    assert.deepEqual(findings(commented, 'A008'), []);
  });

  it('is skipped without a .env.sample', () => {
    assert.equal(result(lint(without(GOOD, '.env.sample')), 'A008').skipped, true);
  });
});

describe('A009 object name lengths for a 45-character stack', () => {
  it('computes <stack>_<name>_<version> and <stack>_<service> exactly', () => {
    const files = edit(
      GOOD,
      'compose.yml',
      SECRET_NAME,
      'name: ${STACK_NAME}_db_root_password_${SECRET_DB_PASSWORD_VERSION}',
    );
    const svc = edit(
      files,
      'compose.yml',
      'networks:\n  proxy:',
      '  a_very_long_worker_name:\n    image: busybox:1.36\nnetworks:\n  proxy:',
    );
    assert.deepEqual(findings(svc, 'A009'), [
      {
        message:
          'secret db_password: the Docker name is 65 characters with a 45-character stack name (limit 64); apps whose domain is longer than 44 characters cannot deploy',
        file: 'compose.yml',
        line: 49,
      },
      {
        message:
          'service a_very_long_worker_name: the Docker name is 69 characters with a 45-character stack name (limit 63); apps whose domain is longer than 39 characters cannot deploy',
        file: 'compose.yml',
        line: 35,
      },
    ]);
  });

  it('passes names that fit (GOOD: 45 + _db_password_v1 = 60)', () => {
    assert.deepEqual(findings(GOOD, 'A009'), []);
  });
});

describe('A013 abra.sh exports used', () => {
  it('flags an export no compose file uses, at its abra.sh line', () => {
    const files = {
      ...GOOD,
      'abra.sh': '# versions\nexport NGINX_CONF_VERSION=v1\nexport MEILI_BACKUP_VERSION=v2\n',
    };
    assert.deepEqual(findings(files, 'A013'), [
      {
        message: 'abra.sh exports MEILI_BACKUP_VERSION, which no compose file uses',
        file: 'abra.sh',
        line: 3,
      },
    ]);
  });

  it('ignores uses that are commented out in YAML', () => {
    const files = edit(
      GOOD,
      'compose.yml',
      '    file: nginx.conf\n',
      '    file: nginx.conf\n    # ${OLD_VERSION}\n',
    );
    assert.deepEqual(
      findings({ ...files, 'abra.sh': 'export NGINX_CONF_VERSION=v1\nexport OLD_VERSION=v1\n' }, 'A013')
        .length,
      1,
    );
  });
});

describe('A017 config and secret files inside the recipe', () => {
  it('accepts files inside the recipe', () => {
    assert.deepEqual(findings(GOOD, 'A017'), []);
  });

  it('flags an absolute path and a ../ path, naming the entry and its line', () => {
    const abs = edit(GOOD, 'compose.yml', 'file: nginx.conf', 'file: /etc/passwd');
    assert.deepEqual(findings(abs, 'A017'), [
      { message: 'config nginx_conf: file /etc/passwd is outside the recipe', file: 'compose.yml', line: 43 },
    ]);
    const up = edit(GOOD, 'compose.yml', 'file: nginx.conf', 'file: ../../.ssh/id_ed25519');
    assert.match(
      findings(up, 'A017')[0]?.message ?? '',
      /^config nginx_conf: file \/\.ssh\/id_ed25519 is outside/,
    );
  });

  it('flags a file reached through a symlink that leads out', () => {
    const linked = edit(GOOD, 'compose.yml', 'file: nginx.conf', 'file: conf/nginx.conf');
    assert.deepEqual(findings(linked, 'A017', { linksOut: ['conf'] }), [
      {
        message:
          'config nginx_conf: file conf/nginx.conf goes through the symlink conf, which leads out of the recipe',
        file: 'compose.yml',
        line: 43,
      },
    ]);
    assert.deepEqual(findings(linked, 'A017', { linksOut: ['con'] }), [], 'a name prefix is not a parent');
  });
});
