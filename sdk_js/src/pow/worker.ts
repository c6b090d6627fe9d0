// Web Worker entry (built separately and inlined into api.js as a string).
// Also reports worker-scope navigator values: automation often patches only `window`.
import { Solver, type PowJob } from "./solver";

interface WorkerScope {
  postMessage(message: unknown): void;
  onmessage: ((event: MessageEvent) => void) | null;
  navigator: { userAgent: string; languages?: readonly string[]; hardwareConcurrency?: number };
}

const scope = self as unknown as WorkerScope;
const nav = scope.navigator;
scope.postMessage({
  type: "env",
  userAgent: nav.userAgent,
  languages: nav.languages ? Array.from(nav.languages) : null,
  hardwareConcurrency: nav.hardwareConcurrency ?? null,
});

scope.onmessage = (event: MessageEvent) => {
  const job = event.data as PowJob & { seq: number };
  try {
    const solver = new Solver(job);
    let lastReport = Date.now();
    while (!solver.step(4096)) {
      const now = Date.now();
      if (now - lastReport > 50) {
        lastReport = now;
        scope.postMessage({ type: "progress", seq: job.seq, progress: solver.progress });
      }
    }
    scope.postMessage({ type: "done", seq: job.seq, solution: solver.solution, hashes: solver.hashes });
  } catch (err) {
    scope.postMessage({ type: "error", seq: job.seq, error: String(err) });
  }
};
