// Go's net.ParseIP (netip.ParseAddr without a zone), as used by docker's port-spec parser. IPv4
// octets with leading zeros are rejected, IPv6 may end in an embedded IPv4 address.

function parseIPv4Fields(s: string): boolean {
  let value = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c >= '0' && c <= '9') {
      if (digits === 1 && value === 0) return false;
      value = value * 10 + Number(c);
      digits++;
      if (value > 255) return false;
    } else if (c === '.') {
      if (i === 0 || i === s.length - 1 || s[i - 1] === '.') return false;
      if (dots === 3) return false;
      dots++;
      value = 0;
      digits = 0;
    } else {
      return false;
    }
  }
  return dots === 3;
}

function hexValue(c: string | undefined): number {
  if (c === undefined) return -1;
  const v = Number.parseInt(c, 16);
  return Number.isNaN(v) ? -1 : v;
}

function parseIPv6(input: string): boolean {
  let s = input;
  if (s.includes('%')) return false;
  let ellipsis = -1;
  if (s.startsWith('::')) {
    ellipsis = 0;
    s = s.slice(2);
    if (s === '') return true;
  }
  let bytes = 0;
  while (bytes < 16) {
    let off = 0;
    let acc = 0;
    for (; off < s.length; off++) {
      const v = hexValue(s[off]);
      if (v < 0) break;
      acc = acc * 16 + v;
      if (off > 3 || acc > 0xffff) return false;
    }
    if (off === 0) return false;
    if (s[off] === '.') {
      if (ellipsis < 0 && bytes !== 12) return false;
      if (bytes + 4 > 16) return false;
      if (!parseIPv4Fields(s)) return false;
      s = '';
      bytes += 4;
      break;
    }
    bytes += 2;
    s = s.slice(off);
    if (s === '') break;
    if (s[0] !== ':' || s.length === 1) return false;
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) return false;
      ellipsis = bytes;
      s = s.slice(1);
      if (s === '') break;
    }
  }
  if (s !== '') return false;
  if (bytes < 16) return ellipsis >= 0;
  return ellipsis < 0;
}

export function isGoIP(s: string): boolean {
  for (const c of s) {
    if (c === '.') return parseIPv4Fields(s);
    if (c === ':') return parseIPv6(s);
    if (c === '%') return false;
  }
  return false;
}
