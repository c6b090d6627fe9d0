/// <reference path="../globals.d.ts" />
// Runs a PoW job in a Web Worker, or on the main thread in short slices when Workers
// are unavailable (CSP worker-src, `new Worker` throwing, old browsers).
import { Solver, type PowJob } from "./solver";


export interface PowResult {
  solution: number[];
  hashes: number;
  solveMs: number;
  where: "worker" | "main";
}

export interface WorkerEnv {
  userAgent: string;
  languages: string[] | null;
  hardwareConcurrency: number | null;
}

type Listener = (data: { type: string; seq?: number; [k: string]: unknown }) => void;

// Main-thread slice length: short enough to keep input responsive (well under 50 ms).
const SLICE_MS = 8;

let worker: Worker | null = null;
let workerFailed: string | null = null;
let workerEnvResolve: ((env: WorkerEnv | null) => void) | null = null;
export let workerEnv: Promise<WorkerEnv | null> | null = null;
const listeners = new Set<Listener>();
let seq = 0;

/** "blob" tries a blob: worker; "off" never uses one. */
export function startWorker(policy: "blob" | "off"): void {
  if (worker || workerFailed) return;
  workerEnv = new Promise((resolve) => (workerEnvResolve = resolve));
  if (policy === "off") return fail("workers disabled");
  try {
    const url = URL.createObjectURL(new Blob([__WORKER_SRC__], { type: "text/javascript" }));
    worker = new Worker(url);
    // The worker has fetched the blob once it answers; revoke then, not before.
    worker.onmessage = (e: MessageEvent) => {
      const data = e.data as { type: string };
      if (data.type === "env") {
        URL.revokeObjectURL(url);
        workerEnvResolve?.(data as unknown as WorkerEnv);
      }
      listeners.forEach((l) => l(e.data));
    };
    worker.onerror = (e) => {
      e.preventDefault?.();
      fail("worker error: " + (e.message || "load failed"));
    };
  } catch (err) {
    fail(String(err));
  }
}

function fail(reason: string): void {
  workerFailed = reason;
  worker?.terminate();
  worker = null;
  workerEnvResolve?.(null);
  listeners.forEach((l) => l({ type: "error", error: reason }));
}

export function workerError(): string | null {
  return workerFailed;
}

export function solve(job: PowJob, onProgress?: (p: number) => void): Promise<PowResult> {
  const started = performance.now();
  const viaMain = () =>
    solveMain(job, onProgress).then((r) => ({ ...r, solveMs: performance.now() - started, where: "main" as const }));
  const w = worker;
  if (!w) return viaMain();
  const mySeq = ++seq;
  return new Promise<PowResult>((resolve, reject) => {
    const listener: Listener = (data) => {
      if (data.seq !== undefined && data.seq !== mySeq) return;
      if (data.type === "progress") onProgress?.(data.progress as number);
      else if (data.type === "done") {
        listeners.delete(listener);
        resolve({
          solution: data.solution as number[],
          hashes: data.hashes as number,
          solveMs: performance.now() - started,
          where: "worker",
        });
      } else if (data.type === "error") {
        listeners.delete(listener);
        // A broken worker (e.g. blocked after construction): finish on the main thread.
        if (data.seq === undefined) viaMain().then(resolve, reject);
        else reject(new Error(String(data.error)));
      }
    };
    listeners.add(listener);
    w.postMessage({ ...job, seq: mySeq });
  });
}

function solveMain(job: PowJob, onProgress?: (p: number) => void): Promise<{ solution: number[]; hashes: number }> {
  const solver = new Solver(job);
  const channel = new MessageChannel();
  return new Promise((resolve, reject) => {
    // MessageChannel yields without setTimeout's 4 ms clamp, and lets input run in between.
    const tick = () => {
      try {
        const end = performance.now() + SLICE_MS;
        let budget = 512;
        while (!solver.step(budget)) {
          if (performance.now() >= end) {
            onProgress?.(solver.progress);
            channel.port2.postMessage(0);
            return;
          }
          budget = 2048;
        }
        channel.port1.onmessage = null;
        channel.port1.close();
        resolve({ solution: solver.solution, hashes: solver.hashes });
      } catch (err) {
        reject(err);
      }
    };
    channel.port1.onmessage = tick;
    tick();
  });
}
