/**
 * A stable 48-bit hash of a string as 12 hex characters (two 32-bit FNV-1a
 * lanes with different seeds, mixed; UTF-16 code units).
 */
export function hash48(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x9e3779b9;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0xc2b2ae35);
  h2 ^= h2 >>> 16;
  const hi = (h1 >>> 0).toString(16).padStart(8, "0");
  const lo = ((h2 ^ h1) >>> 0).toString(16).padStart(8, "0");
  return hi + lo.slice(0, 4);
}
