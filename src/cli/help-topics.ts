// `abra help <topic>`: short, accurate primers on the ideas every command assumes. Names in
// backticks are checked by test/static/hints like every other hint.

export interface HelpTopic {
  name: string;
  aliases: string[];
  summary: string;
  text: string;
}

export const helpTopics: readonly HelpTopic[] = [
  {
    name: 'recipes',
    aliases: ['recipe'],
    summary: 'What a recipe is, where it lives, and how versions work',
    text: `A recipe is a git repository that describes one app for Docker Swarm:

  compose.yml         the services, networks, volumes, secrets and configs
  compose.<x>.yml     optional overlays, enabled through COMPOSE_FILE in the app's env file
  .env.sample         the template every app's env file starts from (RECIPE=, DOMAIN=, secrets)
  abra.sh             \`export <CONFIG>_VERSION=vN\` lines for configs, and shell functions
                      you can run with \`abra app cmd\`
  release/<version>   release notes, shown by \`abra app upgrade\`

Recipes are cloned into $ABRA_DIR/recipes/<name> (ABRA_DIR defaults to ~/.abra) with
\`abra recipe fetch <name|git URL|path>\`. A release is an annotated git tag named
<recipe version>+<upstream version>, e.g. 1.2.0+6.5.3; \`abra recipe versions <name>\` lists
them. Deploys read the recipe at the chosen tag straight from git, so local edits only count
with --chaos. \`abra recipe lint <name>\` checks a recipe against the Co-op Cloud rules, and
\`abra recipe new <name>\` starts one from the standard template.

See also: abra help env, abra help secrets, abra recipe --help`,
  },
  {
    name: 'env',
    aliases: ['env-files', 'envfiles', 'config'],
    summary: "An app's env file: where it is and what its lines mean",
    text: `Every app is one env file: $ABRA_DIR/servers/<server>/<domain>.env (ABRA_DIR defaults
to ~/.abra). The file name is the app's name, its domain; the folder is its server.
\`abra app new\` writes it from the recipe's .env.sample; edit it with \`abra app config <app>\`,
which saves only a file that parses. Lines are KEY=value (docker env_file syntax; quotes
allowed, $VAR of earlier lines expands, # starts a comment).

  RECIPE=<name>[:<version>]   the recipe, and the version last deployed (older files: TYPE=)
  DOMAIN=<domain>             the app's domain, used by the proxy's routing rules
  COMPOSE_FILE=a.yml:b.yml    which compose files of the recipe to load (default compose.yml)
  SECRET_<NAME>_VERSION=v1    the version of secret <name>; trailing modifiers such as
                              "# length=32" or "# generate=false" say how to generate it
  LETS_ENCRYPT_ENV=production the certificate resolver (empty: no ACME)

At deploy time the recipe's abra.sh exports and STACK_NAME (the domain with . replaced by _)
are added: \`abra app env <app>\` lists the result with where each value comes from, and
\`abra app compose <app>\` shows the config it produces.
\`abra app check <app>\` lists the keys of .env.sample that the file lacks. Keep servers/ under
version control if you like: it is the only state worth backing up on your machine.

See also: abra help recipes, abra help secrets`,
  },
  {
    name: 'secrets',
    aliases: ['secret'],
    summary: 'How app secrets are named, generated, shown once and rotated',
    text: `Secrets are swarm secrets on the app's server, never files on your machine. A recipe
declares them in compose.yml as external secrets; each is named on the swarm
<stack>_<secret>_<version>, with the version from SECRET_<SECRET>_VERSION in the app's env file.

  abra app secret ls <app>                   what the recipe expects and what the server has
  abra app secret generate <app> --all       create the missing ones and print their values
  abra app secret insert <app> <secret> <version> <value>   store a value you choose
  abra app secret rm <app> <secret>          remove one (only secrets labelled as the app's)

Generated values are printed once, with a warning: they are not stored anywhere else and the
swarm cannot give them back, so put them in your password manager right away. They never go to
the audit log or to --machine output; \`--machine --show-secrets\` includes them in the JSON.
A version line with "# length=N" makes an N-character password (charset=default, special,
hex or alnum), no length a six-word passphrase, "# generate=false" one you insert yourself.

Secrets are immutable. To rotate one, generate or insert it at a new version (v2), set
SECRET_<SECRET>_VERSION=v2 with \`abra app config <app>\`, and deploy again.

See also: abra help env, abra app secret --help`,
  },
];

export function findTopic(word: string): HelpTopic | undefined {
  return helpTopics.find((t) => t.name === word || t.aliases.includes(word));
}
