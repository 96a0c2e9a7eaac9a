import { parsePortSpecParts } from './schema/ports.js';
import type { ServicePort } from './types.js';

// Short port syntax, "[ip:][published[-end]:]target[-end][/proto]", turned into swarm port
// configs the way docker/cli does it (ingress mode; the IP is ignored, as docker warns).

export class PortSpecError extends Error {}

export function parsePortSpec(spec: string): ServicePort[] {
  const parsed = parsePortSpecParts(spec);
  if (!parsed.ok) throw new PortSpecError(`invalid port ${JSON.stringify(spec)}: ${parsed.reason}`);
  const { container, host, proto } = parsed.spec;
  const [start, end] = container;
  // docker sorts the resulting ports by their "port/proto" text.
  const targets = Array.from({ length: end - start + 1 }, (_, i) => start + i).sort((a, b) =>
    `${a}/${proto}` < `${b}/${proto}` ? -1 : 1,
  );
  const out: ServicePort[] = [];
  for (const target of targets) {
    if (!host) out.push({ mode: 'ingress', target, protocol: proto });
    else if (end === start) {
      // One container port with a host range: every host port in the range maps to it.
      for (let p = host[0]; p <= host[1]; p++) out.push(port(target, p, proto));
    } else out.push(port(target, host[0] + (target - start), proto));
  }
  return out;
}

function port(target: number, published: number, protocol: string): ServicePort {
  return published === 0
    ? { mode: 'ingress', target, protocol }
    : { mode: 'ingress', target, published, protocol };
}
