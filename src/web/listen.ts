import { isIP } from 'node:net';
import { UserError } from '../errors.js';

export interface ListenAddress {
  host: string;
  port: number;
  loopback: boolean;
}

/** `host:port`, `[v6]:port` or `:port` (all interfaces); a bad one is a UserError. */
export function parseListen(text: string): ListenAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
  const port = Number(m?.[3]);
  if (!m || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new UserError(`"${text}" is not an address to listen on`, {
      hint: 'Give host:port, e.g. --listen 127.0.0.1:8080 (or [::1]:8080).',
      code: 'usage',
    });
  const host = m[1] ?? (m[2] || '0.0.0.0');
  return { host, port, loopback: isLoopback(host) };
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1';
  return false;
}

/** Beyond loopback the dashboard's passwords and cookies would cross a network in clear. */
export function checkExposure(addr: ListenAddress, tls: boolean, insecure: boolean): void {
  if (addr.loopback || tls || insecure) return;
  throw new UserError(`Refusing to serve the dashboard on ${addr.host}:${addr.port} without TLS`, {
    hint:
      'Pass --tls-cert and --tls-key, or put a TLS proxy in front and pass --insecure-listen, ' +
      'or listen on loopback (--listen 127.0.0.1:8080).',
    code: 'web_insecure_listen',
  });
}
