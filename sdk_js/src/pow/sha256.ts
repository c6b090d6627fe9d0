// Pure-JS SHA-256 specialised for palisade-pow-v1: the message `id:i:n` always fits in
// one block, and its first bytes never change within a sub-puzzle, so the rounds that
// only read constant words are computed once per sub-puzzle (the "prefix state").
// crypto.subtle is async per call and an order of magnitude slower for 42-byte inputs.

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/**
 * Hashes `prefix + decimal(n)` for consecutive `n`; `prefix` is ASCII, at most 38 bytes.
 * `set(n)` positions the counter, `next()` hashes the current nonce and moves to n + 1.
 * Incrementing the decimal digits in place touches one message word almost always.
 */
export class PrefixHasher {
  private readonly b = new Uint8Array(64);
  private readonly w = new Int32Array(64);
  private readonly fixed: number; // words 0..fixed-1 never change
  private readonly mid = new Int32Array(8); // state after rounds 0..fixed-1
  private readonly start: number;
  private digits = 1;
  /** The nonce the next call to `next()` hashes. */
  n = 0;
  /** First two words of the last digest (big-endian), as unsigned ints. */
  h0 = 0;
  h1 = 0;

  constructor(prefix: string) {
    const len = prefix.length;
    if (len > 38) throw new RangeError("prefix too long");
    for (let j = 0; j < len; j++) this.b[j] = prefix.charCodeAt(j) & 0xff;
    this.start = len;
    this.fixed = len >> 2;
    const w = this.w;
    for (let t = 0; t < this.fixed; t++) w[t] = this.word(t);
    const s = IV.slice();
    for (let t = 0; t < this.fixed; t++) round(s, t, w[t]!);
    for (let j = 0; j < 8; j++) this.mid[j] = s[j]!;
    this.set(0);
  }

  private word(t: number): number {
    const b = this.b;
    const o = t * 4;
    return (b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!;
  }

  /** Positions the counter at `n` (0 <= n < 2^53). */
  set(n: number): void {
    const b = this.b;
    const text = String(n);
    const end = this.start + text.length;
    for (let j = 0; j < text.length; j++) b[this.start + j] = text.charCodeAt(j);
    b[end] = 0x80;
    for (let j = end + 1; j < 62; j++) b[j] = 0;
    const bits = end * 8;
    b[62] = bits >>> 8;
    b[63] = bits & 0xff;
    this.n = n;
    this.digits = text.length;
    for (let t = this.fixed; t < 16; t++) this.w[t] = this.word(t);
  }

  /** Hashes the current nonce into h0/h1, then advances to the next one. */
  next(): void {
    this.compress();
    const b = this.b;
    const last = this.start + this.digits - 1;
    let j = last;
    while (j >= this.start && b[j] === 57) b[j--] = 48;
    if (j < this.start) {
      this.set(this.n + 1); // 99 -> 100: the message grows a byte
      return;
    }
    b[j]!++;
    this.n++;
    for (let t = j >> 2; t <= last >> 2; t++) this.w[t] = this.word(t);
  }

  /** SHA-256(prefix + decimal(n)) into h0/h1, without moving the counter. */
  hash(n: number): void {
    this.set(n);
    this.compress();
  }

  private compress(): void {
    const w = this.w;
    const k = K;
    for (let t = 16; t < 64; t++) {
      const a = w[t - 15]!;
      const c = w[t - 2]!;
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      const s1 = ((c >>> 17) | (c << 15)) ^ ((c >>> 19) | (c << 13)) ^ (c >>> 10);
      w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) | 0;
    }
    const m = this.mid;
    let A = m[0]!, B = m[1]!, C = m[2]!, D = m[3]!, E = m[4]!, F = m[5]!, G = m[6]!, H = m[7]!;
    for (let t = this.fixed; t < 64; t++) {
      const S1 = ((E >>> 6) | (E << 26)) ^ ((E >>> 11) | (E << 21)) ^ ((E >>> 25) | (E << 7));
      const t1 = (H + S1 + ((E & F) ^ (~E & G)) + k[t]! + w[t]!) | 0;
      const S0 = ((A >>> 2) | (A << 30)) ^ ((A >>> 13) | (A << 19)) ^ ((A >>> 22) | (A << 10));
      const t2 = (S0 + ((A & B) ^ (A & C) ^ (B & C))) | 0;
      H = G; G = F; F = E; E = (D + t1) | 0;
      D = C; C = B; B = A; A = (t1 + t2) | 0;
    }
    this.h0 = (A + 0x6a09e667) >>> 0;
    this.h1 = (B + 0xbb67ae85) >>> 0;
  }
}

function round(s: number[], t: number, wt: number): void {
  const [A, B, C, D, E, F, G, H] = s as [number, number, number, number, number, number, number, number];
  const S1 = ((E >>> 6) | (E << 26)) ^ ((E >>> 11) | (E << 21)) ^ ((E >>> 25) | (E << 7));
  const t1 = (H + S1 + ((E & F) ^ (~E & G)) + K[t]! + wt) | 0;
  const S0 = ((A >>> 2) | (A << 30)) ^ ((A >>> 13) | (A << 19)) ^ ((A >>> 22) | (A << 10));
  const t2 = (S0 + ((A & B) ^ (A & C) ^ (B & C))) | 0;
  s[7] = G; s[6] = F; s[5] = E; s[4] = (D + t1) | 0;
  s[3] = C; s[2] = B; s[1] = A; s[0] = (t1 + t2) | 0;
}

/** Leading zero bits of the 64-bit value h0:h1 are at least `d` (d <= 64). */
export function meetsDifficulty(h0: number, h1: number, d: number): boolean {
  if (d <= 0) return true;
  if (d <= 32) return h0 >>> (32 - d) === 0;
  return h0 === 0 && (d >= 64 ? h1 === 0 : h1 >>> (64 - d) === 0);
}
