import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildEntry, renderCatalogue } from '../../src/domain/catalogue/entry.js';
import { readmeFacts } from '../../src/domain/catalogue/features.js';

const README = `# Gitea

> Git with a cup of tea

<!-- metadata -->

* **Category**: Development
* **Status**: 3, stable
* **Image**: [\`gitea/gitea\`](https://hub.docker.com/r/gitea/gitea), 4, upstream
* **Healthcheck**: Yes
* **Backups**: Yes
* **Email**: 3
* **Tests**: 2
* **SSO**: Yes

<!-- endmetadata -->

> not the description
`;

describe('readmeFacts (Go abra GetRecipeFeaturesAndCategory)', () => {
  it('a full metadata block', () => {
    assert.deepEqual(readmeFacts(README), {
      category: 'Development',
      description: 'Git with a cup of tea',
      features: {
        backups: 'Yes',
        email: '3',
        healthcheck: 'Yes',
        image: {
          image: 'gitea/gitea',
          rating: '4',
          source: 'upstream',
          url: 'https://hub.docker.com/r/gitea/gitea',
        },
        status: 3,
        tests: '2',
        sso: 'Yes',
      },
    });
  });
  const cases: [string, string | undefined, Partial<ReturnType<typeof readmeFacts>['features']>][] = [
    ['no README', undefined, { status: 0, image: { image: '', rating: '', source: '', url: '' } }],
    ['status not a number', '<!-- metadata -->\n* **Status**: beta\n<!-- endmetadata -->', { status: 0 }],
    ['status alone', '<!-- metadata -->\n* **Status**: 1\n<!-- endmetadata -->', { status: 1 }],
    [
      'image without a link',
      '<!-- metadata -->\n* **Image**: nginx, 2, third-party\n<!-- endmetadata -->',
      { image: { image: 'nginx', rating: '2', source: 'third-party', url: '' } },
    ],
    [
      'image with only a link',
      '<!-- metadata -->\n* **Image**: [`custom`](https://x.org/c)\n<!-- endmetadata -->',
      { image: { image: 'custom', rating: '', source: '', url: 'https://x.org/c' } },
    ],
  ];
  for (const [name, text, want] of cases)
    it(name, () => {
      const got = readmeFacts(text).features;
      for (const [k, v] of Object.entries(want)) assert.deepEqual(got[k as keyof typeof got], v, k);
    });
});

describe('buildEntry / renderCatalogue', () => {
  const facts = readmeFacts(README);
  const entry = buildEntry({
    name: 'gitea',
    ...facts,
    defaultBranch: 'main',
    remote: 'ssh://git@git.example.org:2222/coop-cloud/gitea.git',
    versions: [
      {
        version: '2.1.0+1.19.3-rootless',
        services: [
          { service: 'db', image: 'mariadb', tag: '10.6', digest: `sha256:${'1'.repeat(64)}` },
          { service: 'app', image: 'gitea/gitea', tag: '1.19.3-rootless' },
        ],
      },
      { version: '1.10.0+1.9.0', services: [{ service: 'app', image: 'gitea/gitea', tag: '1.9.0' }] },
      { version: '2.0.0+1.18.0', services: [] },
    ],
  });
  it('golden entry: versions oldest first, services sorted, ssh remote in ssh_url', () => {
    assert.deepEqual(entry, {
      category: 'Development',
      default_branch: 'main',
      description: 'Git with a cup of tea',
      features: facts.features,
      icon: '',
      name: 'gitea',
      repository: '',
      ssh_url: 'ssh://git@git.example.org:2222/coop-cloud/gitea.git',
      versions: [
        { '1.10.0+1.9.0': { app: { digest: '', image: 'gitea/gitea', tag: '1.9.0' } } },
        { '2.0.0+1.18.0': {} },
        {
          '2.1.0+1.19.3-rootless': {
            app: { digest: '', image: 'gitea/gitea', tag: '1.19.3-rootless' },
            db: { digest: `sha256:${'1'.repeat(64)}`, image: 'mariadb', tag: '10.6' },
          },
        },
      ],
      website: '',
    });
    assert.deepEqual(Object.keys(entry), [
      'category',
      'default_branch',
      'description',
      'features',
      'icon',
      'name',
      'repository',
      'ssh_url',
      'versions',
      'website',
    ]);
  });
  it('https remote in repository; catalogue sorted by name, 4-space indent, newline at the end', () => {
    const https = buildEntry({
      ...facts,
      name: 'a',
      defaultBranch: 'main',
      remote: 'https://x.org/a.git',
      versions: [],
    });
    assert.equal(https.repository, 'https://x.org/a.git');
    assert.equal(https.ssh_url, '');
    const text = renderCatalogue(
      new Map<string, unknown>([
        ['z', { name: 'z' }],
        ['a', { name: 'a' }],
      ]),
    );
    assert.equal(
      text,
      '{\n    "a": {\n        "name": "a"\n    },\n    "z": {\n        "name": "z"\n    }\n}\n',
    );
  });
});
