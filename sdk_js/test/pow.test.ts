import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { meetsDifficulty, PrefixHasher } from "../src/pow/sha256";
import { Solver, solveSync } from "../src/pow/solver";

const sha = (s: string) => createHash("sha256").update(s, "ascii").digest();

function leadingZeroBits(d: Buffer): number {
  let bits = 0;
  for (const byte of d) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

describe("PrefixHasher", () => {
  it("matches node's SHA-256 across prefix lengths and nonce sizes", () => {
    const ids = ["", "a", "q3m0Yp0xQ6G9n2cV4eJ8cA", "abc", "0123456789abcdefghij_-"];
    const nonces = [0, 1, 9, 10, 99, 12345, 4294967295, 4294967296, 2 ** 53 - 1];
    for (const id of ids) {
      for (const i of [0, 7, 15, 63]) {
        const prefix = `${id}:${i}:`;
        const h = new PrefixHasher(prefix);
        for (const n of nonces) {
          h.hash(n);
          const want = sha(prefix + String(n));
          expect(h.h0, `${prefix}${n}`).toBe(want.readUInt32BE(0));
          expect(h.h1, `${prefix}${n}`).toBe(want.readUInt32BE(4));
        }
      }
    }
  });

  it("next() walks consecutive nonces across digit-length changes", () => {
    const prefix = "q3m0Yp0xQ6G9n2cV4eJ8cA:12:";
    const h = new PrefixHasher(prefix);
    for (const startAt of [0, 95, 995, 99_999_990]) {
      h.set(startAt);
      for (let n = startAt; n < startAt + 15; n++) {
        expect(h.n).toBe(n);
        h.next();
        expect(h.h0, `${prefix}${n}`).toBe(sha(prefix + String(n)).readUInt32BE(0));
      }
    }
  });

  it("refuses prefixes that would not fit one block", () => {
    expect(() => new PrefixHasher("x".repeat(39))).toThrow(RangeError);
  });
});

describe("meetsDifficulty", () => {
  it("counts leading zero bits from bit 7 of byte 0", () => {
    expect(meetsDifficulty(0x0fffffff, 0, 4)).toBe(true);
    expect(meetsDifficulty(0x0fffffff, 0, 5)).toBe(false);
    expect(meetsDifficulty(0, 0x7fffffff, 33)).toBe(true);
    expect(meetsDifficulty(0, 0x7fffffff, 34)).toBe(false);
    expect(meetsDifficulty(0xffffffff, 0, 0)).toBe(true);
    expect(meetsDifficulty(1, 0, 32)).toBe(false);
  });
});

describe("Solver", () => {
  it("finds the smallest nonce per sub-puzzle, as the reference solver does", () => {
    const id = "q3m0Yp0xQ6G9n2cV4eJ8cA";
    const solution = solveSync({ id, puzzles: 4, difficulty: 8 });
    expect(solution).toHaveLength(4);
    solution.forEach((n, i) => {
      expect(leadingZeroBits(sha(`${id}:${i}:${n}`))).toBeGreaterThanOrEqual(8);
      for (let m = 0; m < n; m++) expect(leadingZeroBits(sha(`${id}:${i}:${m}`))).toBeLessThan(8);
    });
  });

  it("can be sliced into small steps with the same answer and hash count", () => {
    const job = { id: "AAAAAAAAAAAAAAAAAAAAAA", puzzles: 3, difficulty: 6 };
    const whole = new Solver(job);
    whole.step(1e9);
    const sliced = new Solver(job);
    let steps = 0;
    while (!sliced.step(7)) steps++;
    expect(steps).toBeGreaterThan(3);
    expect(sliced.solution).toEqual(whole.solution);
    expect(sliced.hashes).toBe(whole.hashes);
    expect(sliced.hashes).toBe(whole.solution.reduce((a, n) => a + n + 1, 0));
  });

  it("rejects malformed jobs", () => {
    expect(() => new Solver({ id: "bad id!", puzzles: 1, difficulty: 1 })).toThrow();
    expect(() => new Solver({ id: "ok", puzzles: 0, difficulty: 1 })).toThrow();
  });
});
