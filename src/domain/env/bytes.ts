// Env files are mostly UTF-8, but people write Latin-1 too, and abra rewrites these files (a
// deploy records its version, `app config` saves an edit). Decoding as UTF-8 would turn every
// invalid byte into U+FFFD and write that back: lines nobody touched would change. So bytes
// that are not valid UTF-8 are carried through the text as lone surrogates U+DC80..U+DCFF
// (Python's "surrogateescape") and written back as the very same bytes; valid UTF-8 decodes
// normally, so values such as DOMAIN mean what they say.

const ESCAPE_BASE = 0xdc00;
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const ESCAPED = /[\uDC80-\uDCFF]/u;

/** Text of `bytes` in which every byte that is not valid UTF-8 survives a round trip. */
export function decodeLossless(bytes: Uint8Array): string {
  try {
    return strict.decode(bytes);
  } catch {
    return decodeSlow(bytes);
  }
}

/** The bytes decodeLossless read: escaped bytes come back raw, the rest as UTF-8. */
export function encodeLossless(text: string): Uint8Array {
  if (!ESCAPED.test(text)) return new TextEncoder().encode(text);
  const out: number[] = [];
  const enc = new TextEncoder();
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xdc80 && cp <= 0xdcff) out.push(cp - ESCAPE_BASE);
    else for (const b of enc.encode(ch)) out.push(b);
  }
  return Uint8Array.from(out);
}

function decodeSlow(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const n = validSequenceLength(bytes, i);
    if (n === 0) {
      out += String.fromCharCode(ESCAPE_BASE + bytes[i]!);
      i += 1;
    } else {
      out += strict.decode(bytes.subarray(i, i + n));
      i += n;
    }
  }
  return out;
}

/** Length of the well-formed UTF-8 sequence at `i` (RFC 3629 table), or 0. */
function validSequenceLength(b: Uint8Array, i: number): number {
  const c0 = b[i]!;
  if (c0 < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < b.length && b[i + k]! >= lo && b[i + k]! <= hi;
  if (c0 >= 0xc2 && c0 <= 0xdf) return cont(1) ? 2 : 0;
  if (c0 === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((c0 >= 0xe1 && c0 <= 0xec) || c0 === 0xee || c0 === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (c0 === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (c0 === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c0 >= 0xf1 && c0 <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c0 === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}
