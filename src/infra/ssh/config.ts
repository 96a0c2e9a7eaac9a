import { homedir, userInfo } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import SSHConfig from 'ssh-config';
import { isUserError, UserError } from '../../errors.js';
import { readdirIfExistsSync, readIfExistsSync } from '../store/read.js';

/** Everything needed to open an SSH connection, resolved the way OpenSSH's `ssh -G` would. */
export interface SshTarget {
  /** What the user typed (the server name / Host alias). */
  alias: string;
  host: string;
  port: number;
  user: string;
  identityFiles: string[];
  /** True when IdentityFile entries came from the config rather than OpenSSH's defaults. */
  identityFilesExplicit: boolean;
  identitiesOnly: boolean;
  identityAgent: string | undefined;
  knownHostsFiles: string[];
  connectTimeoutMs: number;
  proxyJump: string | undefined;
  /** Problems that did not stop resolution (an Include that could not be expanded); the caller shows them. */
  warnings: string[];
}

export interface SshConfigOptions {
  /** Path of the client config; `ABRA_SSH_CONFIG` overrides ~/.ssh/config. */
  configPath?: string;
  env?: NodeJS.ProcessEnv;
}

const DEFAULT_IDENTITIES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

export function defaultSshConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.ABRA_SSH_CONFIG || join(homedir(), '.ssh', 'config');
}

export function resolveSshTarget(alias: string, opts: SshConfigOptions = {}): SshTarget {
  const env = opts.env ?? process.env;
  const configPath = opts.configPath ?? defaultSshConfigPath(env);
  const warnings: string[] = [];
  const text = readConfigWithIncludes(configPath, 0, warnings);
  let computed: Record<string, string | string[]>;
  try {
    computed = SSHConfig.parse(text).compute(alias, { ignoreCase: true });
  } catch (err) {
    throw new UserError(`Cannot parse the SSH client config: ${(err as Error).message}`, {
      where: configPath,
      hint: 'Fix the syntax (see `man ssh_config`); `ssh -G <host>` shows how OpenSSH reads it.',
      code: 'ssh_config_invalid',
    });
  }
  const one = (key: string): string | undefined => {
    const v = computed[key.toLowerCase()];
    if (v === undefined) return undefined;
    return Array.isArray(v) ? v[0] : v;
  };
  const many = (key: string): string[] => {
    const v = computed[key.toLowerCase()];
    if (v === undefined) return [];
    return (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(/\s+/)).filter(Boolean);
  };

  const host = one('HostName') ?? alias;
  const user = one('User') ?? localUser(env);
  const portText = one('Port') ?? '22';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new UserError(`Port "${portText}" for host ${alias} is not a valid port`, {
      where: configPath,
      code: 'ssh_config_invalid',
    });
  }
  const tokens = { h: host, u: localUser(env), r: user, p: String(port), n: alias };
  const expand = (p: string) => expandPath(p, tokens);
  const idFiles = many('IdentityFile').map(expand);
  const known = many('UserKnownHostsFile').map(expand);
  const timeout = Number(one('ConnectTimeout') ?? '20');
  const agent = one('IdentityAgent');
  return {
    alias,
    host: host.replace(/%h/g, alias),
    port,
    user,
    identityFiles: idFiles.length > 0 ? idFiles : DEFAULT_IDENTITIES.map((f) => join(homedir(), '.ssh', f)),
    identityFilesExplicit: idFiles.length > 0,
    identitiesOnly: (one('IdentitiesOnly') ?? 'no').toLowerCase() === 'yes',
    identityAgent:
      agent === undefined
        ? env.SSH_AUTH_SOCK || undefined
        : agent.toLowerCase() === 'none'
          ? undefined
          : expand(agent),
    knownHostsFiles:
      known.length > 0
        ? known
        : [
            join(homedir(), '.ssh', 'known_hosts'),
            join(homedir(), '.ssh', 'known_hosts2'),
            '/etc/ssh/ssh_known_hosts',
          ],
    connectTimeoutMs: (Number.isFinite(timeout) && timeout > 0 ? timeout : 20) * 1000,
    proxyJump: one('ProxyJump')?.toLowerCase() === 'none' ? undefined : one('ProxyJump'),
    warnings,
  };
}

function localUser(env: NodeJS.ProcessEnv): string {
  return env.USER || userInfo().username;
}

function expandPath(p: string, tokens: Record<string, string>): string {
  let out = p.replace(/%([%dhurpn])/g, (_m, t: string) => {
    if (t === '%') return '%';
    if (t === 'd') return homedir();
    return tokens[t] ?? '';
  });
  if (out === '~' || out.startsWith('~/')) out = join(homedir(), out.slice(1));
  return out;
}

/**
 * ssh-config does not follow `Include`; OpenSSH does, relative to ~/.ssh, with globs. Inlining
 * the included text at the directive keeps OpenSSH's "applies in the enclosing block" meaning.
 */
function readConfigWithIncludes(path: string, depth: number, warnings: string[]): string {
  if (depth > 16) throw new UserError('SSH config Include nesting is too deep', { where: path });
  const text = readIfExistsSync(path, 'The SSH client config');
  if (text === undefined) return '';
  return text
    .split('\n')
    .map((line) => {
      const m = /^\s*Include\s+(.+)$/i.exec(line);
      if (!m?.[1]) return line;
      return m[1]
        .trim()
        .split(/\s+/)
        .flatMap((pattern) => globFiles(expandPath(pattern, {}), dirname(path), path, warnings))
        .map((file) => readConfigWithIncludes(file, depth + 1, warnings))
        .join('\n');
    })
    .join('\n');
}

/** glob(3) for one path segment: `*`, `?`, `[abc]`, `[!a-z]`; undefined for a malformed pattern. */
function globRegExp(name: string): RegExp | undefined {
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const c = name[i] as string;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = name.indexOf(']', i + 2);
      if (end < 0) return undefined;
      let body = name.slice(i + 1, end);
      const negate = body.startsWith('!');
      if (negate) body = body.slice(1);
      out += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = end;
    } else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  try {
    return new RegExp(`^${out}$`);
  } catch {
    // A reversed range such as [z-a].
    return undefined;
  }
}

/**
 * The files an Include pattern names. A pattern that matches nothing is fine (OpenSSH is
 * silent too); one that cannot be expanded is reported in `warnings` and skipped.
 */
function globFiles(pattern: string, base: string, from: string, warnings: string[]): string[] {
  const full = isAbsolute(pattern) ? pattern : join(base, pattern);
  const name = basename(full);
  const skipped = (why: string) => {
    warnings.push(`${from}: Include ${pattern} was skipped: ${why}.`);
    return [];
  };
  if (/[*?[]/.test(dirname(full)))
    return skipped('abra expands wildcards only in the file name, not in directories');
  if (!/[*?[]/.test(name)) return [full];
  const re = globRegExp(name);
  if (re === undefined) return skipped('the pattern is malformed (an unclosed [ or a reversed range)');
  let names: string[] | undefined;
  try {
    names = readdirIfExistsSync(dirname(full), 'The Include directory');
  } catch (err) {
    return skipped(
      isUserError(err) ? err.message.replace(/^The Include directory /, 'its directory ') : String(err),
    );
  }
  return (names ?? [])
    .filter((f) => re.test(f))
    .sort()
    .map((f) => join(dirname(full), f));
}
