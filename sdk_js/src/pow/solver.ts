import { meetsDifficulty, PrefixHasher } from "./sha256";

/** What a solver needs from a challenge (see docs/pow.md). */
export interface PowJob {
  id: string;
  puzzles: number;
  difficulty: number;
}

// The server refuses larger nonces; a solver that gets here has a broken challenge.
const MAX_NONCE = 2 ** 53;

/** Incremental solver: call `step` until it returns true; safe to slice across tasks. */
export class Solver {
  readonly solution: number[] = [];
  hashes = 0;
  private hasher: PrefixHasher | null = null;

  constructor(private readonly job: PowJob) {
    if (!/^[A-Za-z0-9_-]{1,22}$/.test(job.id)) throw new Error("bad challenge id");
    if (!(job.puzzles >= 1 && job.puzzles <= 64)) throw new Error("bad puzzle count");
  }

  get done(): boolean {
    return this.solution.length >= this.job.puzzles;
  }

  /** Fraction of sub-puzzles solved, 0..1. */
  get progress(): number {
    return this.solution.length / this.job.puzzles;
  }

  /** Does at most `budget` hashes; true when every sub-puzzle is solved. */
  step(budget: number): boolean {
    const { id, difficulty } = this.job;
    while (budget > 0 && !this.done) {
      if (this.hasher === null) {
        this.hasher = new PrefixHasher(`${id}:${this.solution.length}:`);
      }
      const h = this.hasher;
      const from = h.n;
      const stop = from + budget;
      let found = false;
      while (h.n < stop) {
        h.next();
        if (meetsDifficulty(h.h0, h.h1, difficulty)) {
          found = true;
          break;
        }
      }
      const n = h.n - 1; // the nonce just hashed
      const used = h.n - from;
      this.hashes += used;
      budget -= used;
      if (found) {
        this.solution.push(n);
        this.hasher = null;
      } else if (h.n >= MAX_NONCE) throw new Error("nonce space exhausted");
    }
    return this.done;
  }
}

/** Solves in one go (tests, node). */
export function solveSync(job: PowJob): number[] {
  const s = new Solver(job);
  while (!s.step(1 << 20));
  return s.solution;
}
