import type { ServiceVolume } from './types.js';

// Short volume syntax "[source:]target[:options]" as docker/cli's ParseVolume reads it.
export class VolumeSpecError extends Error {}

const PROPAGATIONS = ['rprivate', 'private', 'rshared', 'shared', 'rslave', 'slave'];

export function parseVolumeSpec(spec: string): ServiceVolume {
  if (spec.length === 0) throw new VolumeSpecError('invalid empty volume spec');
  if (spec.length <= 2) return { type: 'volume', target: spec };
  const v: ServiceVolume = {};
  let buf = '';
  const chars = [...spec, '\0'];
  for (const c of chars) {
    const isDrive = c === ':' && buf.length === 1 && /\p{L}/u.test(buf);
    if (isDrive) buf += c;
    else if (c === ':' || c === '\0') {
      populate(v, buf, c, spec);
      buf = '';
    } else buf += c;
  }
  v.type = typeOf(v.source);
  return order(v);
}

function populate(v: ServiceVolume, buf: string, c: string, spec: string): void {
  if (buf.length === 0) throw new VolumeSpecError(`invalid spec: ${spec}: empty section between colons`);
  if (v.source === undefined && c === '\0') {
    v.target = buf;
    return;
  }
  if (v.source === undefined) {
    v.source = buf;
    return;
  }
  if (v.target === undefined) {
    v.target = buf;
    return;
  }
  if (c === ':') throw new VolumeSpecError(`invalid spec: ${spec}: too many colons`);
  for (const opt of buf.split(',')) {
    if (opt === 'ro') v.read_only = true;
    else if (opt === 'rw') delete v.read_only;
    else if (opt === 'nocopy') v.volume = { nocopy: true };
    else if (PROPAGATIONS.includes(opt)) v.bind = { propagation: opt };
  }
}

function typeOf(source: string | undefined): string {
  if (!source) return 'volume';
  if ('./~'.includes(source[0] as string)) return 'bind';
  if ([...source].length === 1) return 'volume';
  if (source.startsWith('\\\\')) return 'bind';
  return /^\p{L}:/u.test(source) ? 'bind' : 'volume';
}

function order(v: ServiceVolume): ServiceVolume {
  const o: ServiceVolume = { type: v.type };
  if (v.source !== undefined) o.source = v.source;
  if (v.target !== undefined) o.target = v.target;
  if (v.read_only) o.read_only = true;
  if (v.bind) o.bind = v.bind;
  if (v.volume) o.volume = v.volume;
  return o;
}
