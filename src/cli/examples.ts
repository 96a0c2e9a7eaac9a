// The Examples section of every leaf command's --help, by command path (aliases not used here).
// Kept apart from registry.ts so command modules stay about flags; test/static/help-examples
// checks every leaf has examples and that each one names a command that exists.

export const examples: Readonly<Record<string, readonly string[]>> = {
  'server add': [
    'abra server add --local                 # the Docker engine on this machine, as "default"',
    'abra server add swarm.example.com       # a server reached over SSH (~/.ssh/config applies)',
  ],
  'server bootstrap': [
    'abra server bootstrap swarm.example.com                 # Docker, swarm init, network proxy; re-run is a no-op',
    'abra server bootstrap swarm.example.com --advertise-addr 203.0.113.10',
    'abra server bootstrap swarm.example.com --force        # although something else serves port 80/443',
  ],
  'server ls': ['abra server ls', 'abra server ls --machine'],
  'server nodes': ['abra server nodes swarm.example.com', 'abra server nodes swarm.example.com --machine'],
  'server node label': [
    'abra server node label swarm.example.com web2 db=primary zone=a',
    'abra server node label swarm.example.com web2 --rm zone   # remove a label',
  ],
  'server node drain': [
    'abra server node drain swarm.example.com web2          # lists the apps that move, asks',
    'abra -n server node drain swarm.example.com web2 --machine',
  ],
  'server node pause': ['abra server node pause swarm.example.com web2'],
  'server node activate': ['abra server node activate swarm.example.com web2'],
  'server status': [
    'abra server status swarm.example.com',
    'abra server status                       # every server at once, one connection each',
    'abra server status --machine',
  ],
  'server rm': ['abra server rm swarm.example.com', 'abra -n server rm swarm.example.com   # no question'],
  'server backup-config': [
    'abra server backup-config swarm.example.com',
    'abra server backup-config swarm.example.com --repository sftp:backup@host:/srv/restic',
  ],
  'server backup-init': ['abra server backup-init swarm.example.com'],
  'server prune': [
    'abra server prune swarm.example.com',
    'abra server prune swarm.example.com --volumes   # unused volumes too (asks)',
  ],
  'recipe fetch': [
    'abra recipe fetch wordpress',
    'abra recipe fetch https://git.example.org/me/my-recipe.git',
    'abra recipe fetch mygit.org/org/recipe   # into recipes/mygit_org_org_recipe',
    'abra recipe fetch --all',
  ],
  'recipe ls': [
    'abra recipe ls',
    'abra recipe ls --machine',
    'abra recipe ls --category Apps --feature backups --feature sso',
    'abra recipe ls wiki   # name or description contains "wiki"',
  ],
  'recipe versions': ['abra recipe versions wordpress'],
  'recipe new': ['abra recipe new my-recipe --git-name "Me" --git-email me@example.org'],
  'recipe diff': ['abra recipe diff wordpress'],
  'recipe reset': ['abra recipe reset wordpress'],
  'recipe release': [
    'abra recipe release wordpress --dry-run       # the proposed version, label and notes',
    'abra recipe release wordpress --minor --notes "Nginx 1.27; no action needed" --publish',
    'abra recipe release wordpress 2.0.0 --notes ./release-notes.md',
  ],
  'recipe sync': ['abra recipe sync wordpress', 'abra recipe sync wordpress --patch --dry-run'],
  'recipe lint': ['abra recipe lint wordpress', 'abra recipe lint wordpress --machine'],
  'recipe upgrade': [
    'abra recipe upgrade wordpress                # newest tag of each image, in its style',
    'abra recipe upgrade wordpress --patch --dry-run',
    'abra recipe upgrade wordpress --machine      # candidates as JSON, nothing written',
  ],
  'recipe compose': [
    'abra recipe compose wordpress',
    'abra recipe compose wordpress --env ~/.abra/servers/default/blog.example.com.env',
  ],
  'recipe test': [
    'abra recipe test wordpress --server swarm.example.com',
    'abra recipe test wordpress -s default --env COMPOSE_FILE=compose.yml:compose.host.yml   # no IPVS',
    'abra recipe test wordpress -s default --chaos --keep   # the working tree; leave the app to debug',
    'abra recipe test wordpress -s default --machine > result.json',
  ],
  'catalogue generate': [
    'abra catalogue generate                      # every fetched recipe; unchanged ones from the cache',
    'abra catalogue generate wordpress traefik    # only these entries are rebuilt',
    'abra catalogue generate --publish            # then commit and push the catalogue clone',
    'abra catalogue generate --no-digests --dry-run -m',
  ],
  'catalogue sync': [
    'abra catalogue sync',
    'abra catalogue sync --url https://git.example.org/me/recipes-catalogue-json.git',
  ],
  'app new': [
    'abra app new wordpress -s default -D blog.example.com',
    'abra app new wordpress 2.1.0+6.5.3 -s default -D blog.example.com --secrets',
    'abra app new mygit.org/org/recipe -s default -D app.example.com   # a git path, fetched if needed',
    'abra app new wordpress -s default -D blog.example.com --offline   # only a recipe already fetched',
  ],
  'app config': ['abra app config blog.example.com', 'EDITOR=nano abra app config blog.example.com'],
  'app ls': ['abra app ls', 'abra app ls -s default --status', 'abra app ls --upgrades --machine'],
  'app secret generate': [
    'abra app secret generate blog.example.com --all     # prints each value once',
    'abra app secret generate blog.example.com db_password v2',
    'abra app secret generate blog.example.com --all --machine --show-secrets > secrets.json',
  ],
  'app secret insert': [
    'abra app secret insert blog.example.com smtp_password v1 "s3cret value"',
    'abra app secret insert traefik.example.com ssl_cert v1 --file cert.pem',
  ],
  'app secret ls': ['abra app secret ls blog.example.com'],
  'app secret rm': [
    'abra app secret rm blog.example.com db_password',
    'abra -n app secret rm blog.example.com --all',
  ],
  'app volume ls': ['abra app volume ls blog.example.com'],
  'app volume rm': [
    'abra app volume rm blog.example.com --all',
    'abra app volume rm blog.example.com blog_example_com_db',
  ],
  'app check': [
    'abra app check blog.example.com',
    'abra app check blog.example.com --reachable   # status and certificate of its URLs',
    'abra app check blog.example.com --reachable --timeout 5 --machine',
  ],
  'app env': [
    'abra app env blog.example.com',
    'abra app env blog.example.com --machine',
    'abra app env blog.example.com --chaos   # abra.sh and compose files of the recipe working tree',
  ],
  'app compose': ['abra app compose blog.example.com', 'abra app compose blog.example.com --chaos'],
  'app deploy': [
    'abra app deploy blog.example.com',
    'abra app deploy blog.example.com 2.1.0+6.5.3 -n',
    'abra app deploy blog.example.com --chaos      # the recipe working tree',
    'abra app deploy blog.example.com --no-probe   # do not probe its URLs afterwards',
  ],
  'app upgrade': ['abra app upgrade blog.example.com', 'abra app upgrade blog.example.com --releasenotes'],
  'app rollback': ['abra app rollback blog.example.com', 'abra app rollback blog.example.com 2.0.0+6.4.0'],
  'app scale': ['abra app scale blog.example.com app=3', 'abra app scale blog.example.com app=0 db=1'],
  'app unlock': ['abra app unlock blog.example.com'],
  'app history': [
    'abra app history blog.example.com',
    'abra app history blog.example.com --limit 5 --machine',
  ],
  'app ps': ['abra app ps blog.example.com', 'abra app ps blog.example.com --watch'],
  'app logs': ['abra app logs blog.example.com', 'abra app logs blog.example.com app -f --since 10m'],
  'app services': ['abra app services blog.example.com'],
  'app labels': ['abra app labels blog.example.com'],
  'app restart': [
    'abra app restart blog.example.com app',
    'abra app restart blog.example.com --all-services',
  ],
  'app run': [
    'abra app run blog.example.com app sh',
    'abra app run blog.example.com db -- psql -U postgres -c "select 1"',
  ],
  'app cmd': [
    "abra app cmd ls blog.example.com             # the functions of the recipe's abra.sh",
    'abra app cmd blog.example.com app my_function -- --some-arg',
  ],
  'app cp': [
    'abra app cp blog.example.com app:/var/www/html/wp-config.php .',
    'abra app cp blog.example.com ./theme app:/var/www/html/wp-content/themes/',
  ],
  'app backup create': [
    'abra app backup create blog.example.com',
    'abra app backup create swarm.example.com --all   # every app of that server',
  ],
  'app backup ls': ['abra app backup ls blog.example.com'],
  'app backup download': [
    'abra app backup download blog.example.com --output blog.tar',
    'abra app backup download blog.example.com 1a2b3c4d --output blog.tar',
  ],
  'app backup forget': ['abra app backup forget blog.example.com'],
  'app restore': [
    'abra app restore blog.example.com',
    'abra app restore blog.example.com 1a2b3c4d --service db',
  ],
  'app undeploy': ['abra app undeploy blog.example.com', 'abra app undeploy blog.example.com --prune'],
  'app remove': ['abra app remove blog.example.com', 'abra -n app remove blog.example.com'],
  'app move': [
    'abra app move blog.example.com new.example.com --plan   # what it would do, nothing changed',
    'abra app move blog.example.com new.example.com',
    'abra app move blog.example.com new.example.com --keep-source',
  ],
  'web serve': [
    'abra web serve                               # http://127.0.0.1:8080, loopback only',
    'abra web serve --listen 0.0.0.0:8443 --tls-cert cert.pem --tls-key key.pem',
  ],
  'web user add': [
    'abra web user add alice --role admin',
    'abra web user add bob --role operator --server swarm.example.com',
  ],
  'web user rm': ['abra web user rm bob'],
  'web user ls': ['abra web user ls', 'abra web user ls --machine'],
  version: ['abra version', 'abra -v', 'abra version --machine'],
  autocomplete: [
    'abra autocomplete bash > /etc/bash_completion.d/abra   # or in ~/.bashrc: source <(abra autocomplete bash)',
    'abra autocomplete zsh > "${fpath[1]}/_abra"             # then start a new zsh',
    'abra autocomplete fish > ~/.config/fish/completions/abra.fish',
  ],
};

/** The Examples section as commander's after-help text. */
export function examplesText(path: string): string {
  const lines = examples[path];
  if (lines === undefined || lines.length === 0) return '';
  return `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
}
