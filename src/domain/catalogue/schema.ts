// recipes.json as Go abra writes it (abra-spec §7), as a JSON schema: what `catalogue generate`
// must produce (test/e2e/catalogue-generate checks its output against it) and what other
// tools may rely on. Every key is required, as Go's encoder writes every struct field.

const str = { type: 'string' } as const;

const service = {
  type: 'object',
  required: ['digest', 'image', 'tag'],
  additionalProperties: false,
  properties: {
    digest: { type: 'string', pattern: '^(sha256:[a-f0-9]{64})?$' },
    image: str,
    tag: str,
  },
} as const;

const entry = {
  type: 'object',
  required: [
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
  ],
  additionalProperties: false,
  properties: {
    category: str,
    default_branch: str,
    description: str,
    icon: str,
    name: str,
    repository: str,
    ssh_url: str,
    website: str,
    features: {
      type: 'object',
      required: ['backups', 'email', 'healthcheck', 'image', 'status', 'tests', 'sso'],
      additionalProperties: false,
      properties: {
        backups: str,
        email: str,
        healthcheck: str,
        tests: str,
        sso: str,
        status: { type: 'integer', minimum: 0 },
        image: {
          type: 'object',
          required: ['image', 'rating', 'source', 'url'],
          additionalProperties: false,
          properties: { image: str, rating: str, source: str, url: str },
        },
      },
    },
    versions: {
      type: 'array',
      items: {
        type: 'object',
        minProperties: 1,
        maxProperties: 1,
        additionalProperties: { type: 'object', additionalProperties: service },
      },
    },
  },
} as const;

export const CATALOGUE_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'recipes.json (Co-op Cloud recipe catalogue)',
  type: 'object',
  additionalProperties: entry,
} as const;
