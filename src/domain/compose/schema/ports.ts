// docker/cli's `ports` format checker: go-connections' nat.ParsePortSpec on the string, i.e.
// [ip:][hostPort[-end]:]containerPort[-end][/protocol]. Numbers are checked through Go's
// big.Rat text with the denominator cut off, so 80.5 ("161/2") passes as port 161.

import { isGoIP } from './ip.js';

export type PortSpecResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const PROTOCOLS = new Set(['tcp', 'udp', 'sctp']);

/** strconv.ParseUint(s, 10, 16) */
function parsePortNumber(s: string): number | undefined {
  if (!/^[0-9]+$/.test(s)) return undefined;
  const n = Number(s);
  return n <= 0xffff ? n : undefined;
}

function parseRange(s: string): [number, number] | undefined {
  if (s === '') return undefined;
  if (!s.includes('-')) {
    const port = parsePortNumber(s);
    return port === undefined ? undefined : [port, port];
  }
  // Like Go, anything after a second '-' is ignored ("1-2-3" is 1-2).
  const [first = '', second = ''] = s.split('-');
  const start = parsePortNumber(first);
  const end = parsePortNumber(second);
  if (start === undefined || end === undefined || end < start) return undefined;
  return [start, end];
}

function splitParts(raw: string): [string, string, string] {
  const parts = raw.split(':');
  const n = parts.length;
  const container = parts[n - 1] ?? '';
  if (n === 1) return ['', '', container];
  if (n === 2) return ['', parts[0] ?? '', container];
  return [parts.slice(0, n - 2).join(':'), parts[n - 2] ?? '', container];
}

function splitProtoPort(raw: string): [string, string] {
  const parts = raw.split('/');
  const first = parts[0] ?? '';
  if (raw === '' || first === '') return ['', ''];
  if (parts.length === 1) return ['tcp', raw];
  const proto = parts[1] ?? '';
  return proto === '' ? ['tcp', first] : [proto, first];
}

/** net.SplitHostPort(ip + ":") host part, for a bracketed IPv6 address. */
function stripBrackets(ip: string): string | undefined {
  const end = ip.indexOf(']');
  if (end !== ip.length - 1) return undefined;
  const host = ip.slice(1, end);
  return host.includes('[') ? undefined : host;
}

/** A port spec taken apart: the container range, the host range if any, the protocol. */
export interface ParsedPortSpec {
  container: [number, number];
  host: [number, number] | undefined;
  proto: string;
}

export type PortSpecParse =
  | { readonly ok: true; readonly spec: ParsedPortSpec }
  | { readonly ok: false; readonly reason: string };

/** The one parser of short port syntax: the schema checks with it, the loader converts with it. */
export function parsePortSpecParts(raw: string): PortSpecParse {
  let [ip, hostPort, containerRaw] = splitParts(raw);
  const [protoRaw, containerPort] = splitProtoPort(containerRaw);
  if (ip !== '' && ip[0] === '[') {
    const stripped = stripBrackets(ip);
    if (stripped === undefined) return { ok: false, reason: `invalid IP address "${ip}"` };
    ip = stripped;
  }
  if (ip !== '' && !isGoIP(ip)) return { ok: false, reason: `invalid IP address "${ip}"` };
  if (containerPort === '') return { ok: false, reason: 'no container port' };
  const container = parseRange(containerPort);
  if (container === undefined) return { ok: false, reason: `invalid container port "${containerPort}"` };
  let host: [number, number] | undefined;
  if (hostPort !== '') {
    host = parseRange(hostPort);
    if (host === undefined) return { ok: false, reason: `invalid host port "${hostPort}"` };
    // A host range with a single container port is a range to allocate from.
    if (container[1] - container[0] !== host[1] - host[0] && container[1] !== container[0]) {
      return {
        ok: false,
        reason: `host range ${hostPort} and container range ${containerPort} differ in size`,
      };
    }
  }
  const proto = protoRaw.toLowerCase();
  if (!PROTOCOLS.has(proto))
    return { ok: false, reason: `invalid protocol ${protoRaw}, use tcp, udp or sctp` };
  return { ok: true, spec: { container, host, proto } };
}

export function checkPortSpec(raw: string): PortSpecResult {
  const parsed = parsePortSpecParts(raw);
  return parsed.ok ? { ok: true } : parsed;
}

function gcd(a: bigint, b: bigint): bigint {
  let [x, y] = [a, b];
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/** The numerator of a number written as Go marshals it (shortest round-trip text), reduced. */
function ratNumerator(value: number): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(value));
  if (match === null) return String(value);
  const [, sign = '', intPart = '', fracPart = '', exp = '0'] = match;
  const digits = BigInt(intPart + fracPart);
  const exponent = Number(exp) - fracPart.length;
  if (exponent >= 0) return `${sign}${digits * 10n ** BigInt(exponent)}`;
  const numerator = digits / gcd(digits, 10n ** BigInt(-exponent));
  return numerator === 0n ? '0' : `${sign}${numerator}`;
}

export function checkPortValue(value: string | number): PortSpecResult {
  return checkPortSpec(typeof value === 'number' ? ratNumerator(value) : value);
}
