import type { ServicePort } from './types.js';

// Short port syntax, as docker/go-connections' ParsePortSpecs reads it and docker/cli turns
// it into swarm port configs: "[ip:][published[-end]:]target[-end][/proto]", ingress mode.

export class PortSpecError extends Error {}

function parseRange(s: string, what: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  if (!m?.[1]) throw new PortSpecError(`Invalid ${what}: ${s}`);
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  if (start > 65535 || end > 65535) throw new PortSpecError(`Invalid ${what}: ${s}`);
  if (end < start) throw new PortSpecError(`Invalid range specified for port: ${s}`);
  return [start, end];
}

export function parsePortSpec(spec: string): ServicePort[] {
  let raw = spec;
  let proto = 'tcp';
  const slash = raw.lastIndexOf('/');
  if (slash >= 0) {
    proto = raw.slice(slash + 1).toLowerCase();
    raw = raw.slice(0, slash);
    if (!['tcp', 'udp', 'sctp'].includes(proto)) throw new PortSpecError(`Invalid proto: ${proto}`);
  }
  const parts = raw.split(':');
  let hostPort = '';
  let container: string;
  if (parts.length === 1) container = parts[0] as string;
  else if (parts.length === 2) [hostPort, container] = parts as [string, string];
  else {
    hostPort = parts[parts.length - 2] as string;
    container = parts[parts.length - 1] as string;
  }
  if (container === '') throw new PortSpecError(`No port specified: ${spec}<empty>`);
  const [start, end] = parseRange(container, 'containerPort');
  let hStart = 0;
  let hEnd = 0;
  if (hostPort !== '') {
    [hStart, hEnd] = parseRange(hostPort, 'hostPort');
    if (end - start !== hEnd - hStart && end !== start) {
      throw new PortSpecError(
        `Invalid ranges specified for container and host Ports: ${container} and ${hostPort}`,
      );
    }
  }
  // docker sorts the resulting ports by their "port/proto" text.
  const targets = Array.from({ length: end - start + 1 }, (_, i) => start + i).sort((a, b) =>
    `${a}/${proto}` < `${b}/${proto}` ? -1 : 1,
  );
  const out: ServicePort[] = [];
  for (const target of targets) {
    const i = target - start;
    if (hostPort === '') out.push({ mode: 'ingress', target, protocol: proto });
    else if (end === start) {
      // One container port with a host range: every host port in the range maps to it.
      for (let p = hStart; p <= hEnd; p++) out.push(port(target, p, proto));
    } else out.push(port(target, hStart + i, proto));
  }
  return out;
}

function port(target: number, published: number, protocol: string): ServicePort {
  return published === 0
    ? { mode: 'ingress', target, protocol }
    : { mode: 'ingress', target, published, protocol };
}
