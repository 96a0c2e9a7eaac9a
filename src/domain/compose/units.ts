// docker/go-units RAMInBytes: "512M", "1.5g", "1GiB" -> bytes, binary multiples.
const MULT: Record<string, number> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

export function ramInBytes(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(text);
  if (!m?.[1]) return undefined;
  const size = Number.parseFloat(m[1]);
  const unit = m[2]?.toLowerCase();
  return Math.trunc(size * (unit ? (MULT[unit] ?? 1) : 1));
}
