import ssh2, { type AnyAuthMethod, type AuthenticationType, type Client, type ConnectConfig } from 'ssh2';
import { EngineError, errnoCode, errorMessage, isUserError, RemoteError } from '../../errors.js';
import { readBytesIfExistsSync } from '../store/read.js';
import type { SshTarget } from './config.js';
import {
  fingerprint,
  hostMatches,
  keyTypeOf,
  knownHostsName,
  readKnownHosts,
  verifyHostKey,
} from './known-hosts.js';

export type DebugLog = (msg: string) => void;

type HostKeyProblem = {
  kind: 'unknown' | 'mismatch' | 'revoked';
  fp: string;
  keyType: string;
  files: string[];
};

/**
 * Open one authenticated SSH connection. Host keys are checked against known_hosts like
 * OpenSSH with StrictHostKeyChecking=yes: an unknown or changed key is refused with the
 * command that fixes it, never accepted silently.
 */
export function connectSsh(server: string, target: SshTarget, debug: DebugLog): Promise<Client> {
  if (target.proxyJump) {
    return Promise.reject(
      new RemoteError(server, `ProxyJump (${target.proxyJump}) is not supported yet`, {
        hint: 'Reach the server directly, or forward a local port to it and point HostName/Port there.',
        code: 'ssh_unsupported',
      }),
    );
  }
  const known = readKnownHosts(target.knownHostsFiles);
  const name = knownHostsName(target.host, target.port);
  let hostKeyProblem: HostKeyProblem | undefined;
  const tried: string[] = [];

  const config: ConnectConfig = {
    host: target.host,
    port: target.port,
    username: target.user,
    readyTimeout: target.connectTimeoutMs,
    keepaliveInterval: 15_000,
    keepaliveCountMax: 4,
    hostVerifier: (key: Buffer) => {
      const verdict = verifyHostKey(known, name, key);
      debug(`ssh ${server}: host key ${keyTypeOf(key)} ${fingerprint(key)} -> ${verdict.kind}`);
      if (verdict.kind === 'match') return true;
      hostKeyProblem = {
        kind: verdict.kind,
        fp: fingerprint(key),
        keyType: keyTypeOf(key),
        files: verdict.kind === 'mismatch' ? verdict.entries.map((e) => `${e.file}:${e.line}`) : [],
      };
      return false;
    },
    authHandler: authMethods(target, tried, debug),
  };
  // Prefer host key types we already trust, as OpenSSH does, so a host known by its RSA
  // key is not reported "unknown" because it also offers ed25519.
  const trustedTypes = [
    ...new Set(known.filter((e) => e.marker === '' && hostMatches(e.patterns, name)).map((e) => e.keyType)),
  ];
  if (trustedTypes.length > 0) {
    const preferred = trustedTypes.filter(isSupportedHostKeyType);
    if (preferred.length > 0)
      config.algorithms = { serverHostKey: { prepend: preferred, append: [], remove: [] } };
  }

  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    let settled = false;
    client.once('ready', () => {
      settled = true;
      debug(`ssh ${server}: connected to ${target.user}@${target.host}:${target.port}`);
      resolve(client);
    });
    client.once('error', (err: Error & { level?: string }) => {
      if (settled) return;
      settled = true;
      client.end();
      reject(translateConnectError(server, target, err, hostKeyProblem, tried));
    });
    client.connect(config);
  });
}

const HOST_KEY_TYPES = new Set([
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
]);

function isSupportedHostKeyType(t: string): t is 'ssh-ed25519' {
  return HOST_KEY_TYPES.has(t);
}

/** agent first (unless IdentitiesOnly with explicit keys), then each readable identity file. */
function authMethods(target: SshTarget, tried: string[], debug: DebugLog) {
  const queue: (() => AnyAuthMethod | undefined)[] = [];
  const username = target.user;
  if (target.identityAgent && !(target.identitiesOnly && target.identityFilesExplicit)) {
    const agent = target.identityAgent;
    queue.push(() => {
      tried.push(`ssh-agent (${agent})`);
      return { type: 'agent', username, agent };
    });
  }
  for (const file of target.identityFiles) {
    queue.push(() => {
      let data: Buffer | undefined;
      try {
        data = readBytesIfExistsSync(file, 'The identity file');
      } catch (err) {
        // Listed so the auth failure says why a key the user expects was never offered.
        const why = isUserError(err) ? err.message.replace(/^The identity file /, '') : errorMessage(err);
        debug(`ssh: skipping ${file}: ${why}`);
        tried.push(`${file} (${why})`);
        return undefined;
      }
      if (data === undefined) {
        // OpenSSH's default keys are optional; a configured one that is missing is worth a word.
        if (target.identityFilesExplicit) tried.push(`${file} (does not exist)`);
        return undefined;
      }
      const parsed = ssh2.utils.parseKey(data);
      if (parsed instanceof Error) {
        debug(`ssh: skipping ${file}: ${parsed.message}`);
        tried.push(
          `${file} (${/encrypt|passphrase/i.test(parsed.message) ? 'encrypted, load it with ssh-add' : 'unreadable'})`,
        );
        return undefined;
      }
      tried.push(file);
      return { type: 'publickey', username, key: data };
    });
  }
  return (
    _left: AuthenticationType[],
    _partial: boolean,
    next: (m: AnyAuthMethod | AuthenticationType) => void,
  ) => {
    for (;;) {
      const make = queue.shift();
      if (!make) {
        // ssh2's typings omit `false`, which is how its runtime is told there is nothing left.
        (next as unknown as (v: false) => void)(false);
        return;
      }
      const method = make();
      if (method) {
        next(method);
        return;
      }
    }
  };
}

function translateConnectError(
  server: string,
  target: SshTarget,
  err: Error & { level?: string },
  hostKey: HostKeyProblem | undefined,
  tried: string[],
): RemoteError | EngineError {
  const where = `server ${server} (${target.user}@${target.host}:${target.port})`;
  const portFlag = target.port === 22 ? '' : `-p ${target.port} `;
  if (hostKey?.kind === 'unknown') {
    return new RemoteError(
      server,
      `The SSH host key of ${target.host} is not known (${hostKey.keyType} ${hostKey.fp})`,
      {
        where,
        hint:
          `Check that fingerprint with the server's administrator, then trust it with ` +
          `\`ssh-keyscan ${portFlag}${target.host} >> ~/.ssh/known_hosts\` (or connect once with \`ssh ${server}\` and answer yes).`,
        code: 'ssh_host_key_unknown',
      },
    );
  }
  if (hostKey?.kind === 'mismatch' || hostKey?.kind === 'revoked') {
    return new RemoteError(
      server,
      `The SSH host key of ${target.host} does not match the one on record (${hostKey.keyType} ${hostKey.fp}). ` +
        'Someone could be intercepting the connection, or the server was reinstalled.',
      {
        where: `${where}; recorded in ${hostKey.files.join(', ') || 'known_hosts'}`,
        hint: `If the server really changed, remove the old key with \`ssh-keygen -R '${knownHostsName(target.host, target.port)}'\` and trust the new one; otherwise do not connect.`,
        code: 'ssh_host_key_mismatch',
      },
    );
  }
  const code = errnoCode(err);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new RemoteError(server, `Cannot resolve host name "${target.host}"`, {
      where,
      hint: `Check the spelling, DNS, or add a Host ${target.alias} entry with a HostName to ~/.ssh/config.`,
      code: 'ssh_host_unknown',
      cause: err,
    });
  }
  if (code === 'ECONNREFUSED') {
    // The server is down or sshd is not listening: the engine cannot be reached (exit 3).
    return new EngineError(server, `Connection refused by ${target.host}:${target.port}`, {
      where,
      hint: 'Is the server up and sshd running there (`abra server ls` shows every server), and is the port right? Set Port in ~/.ssh/config if it is not 22.',
      code: 'ssh_refused',
      cause: err,
    });
  }
  if (
    code === 'ETIMEDOUT' ||
    code === 'EHOSTUNREACH' ||
    code === 'ENETUNREACH' ||
    /timed out/i.test(err.message)
  ) {
    return new EngineError(server, `Timed out connecting to ${target.host}:${target.port}`, {
      where,
      hint: 'Check that the server is up (`abra server ls`), the network path and firewall; `ssh -v <server>` shows where it stops.',
      code: 'ssh_timeout',
      cause: err,
    });
  }
  if (err.level === 'client-authentication' || /authentication methods failed/i.test(err.message)) {
    return new RemoteError(server, `SSH authentication failed for user ${target.user}`, {
      where,
      hint:
        `Tried: ${tried.length > 0 ? tried.join(', ') : 'no keys (none found, no ssh-agent)'}. ` +
        `Authorise your key on the server (\`ssh-copy-id ${server}\`), set User/IdentityFile in ~/.ssh/config, or load the key into ssh-agent.`,
      code: 'ssh_auth_failed',
      cause: err,
    });
  }
  return new RemoteError(server, `SSH connection failed: ${errorMessage(err)}`, {
    where,
    hint: '`ssh -v <server>` shows what OpenSSH sees.',
    code: 'ssh_failed',
    cause: err,
  });
}
