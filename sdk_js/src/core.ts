// Page-level state shared by every widget: server base URL, the behaviour recorder
// (running from script load), the PoW worker and the HTTP calls.
import { Recorder } from "./behaviour";
import { collectEnv } from "./env";
import { solve, startWorker, type PowResult } from "./pow/run";
import { behaviourSources, envSources } from "./sources/index";
import type { Signals } from "./types";

export interface Challenge {
  challenge: string;
  id: string;
  algorithm: string;
  puzzles: number;
  difficulty: number;
  expires_in: number;
  mode: "invisible" | "managed" | "checkbox";
  /** Local receive time (performance.now), to know when it expires. */
  receivedAt: number;
}

export interface Solved {
  ch: Challenge;
  pow: PowResult;
}

export type SubmitAnswer =
  | { status: "pass"; token: string; expires_in: number }
  | { status: "escalate"; reason: string; interactive: boolean; challenge: Omit<Challenge, "receivedAt"> };

/** An error with a stable code, passed to error callbacks. */
export class WidgetError extends Error {
  constructor(readonly code: string, readonly reasons: string[] = []) {
    super(code);
  }
}

export interface CoreOptions {
  /** Origin (plus optional path prefix) the script was loaded from. */
  server: string;
  win: Window;
  worker: "blob" | "off";
  nonce: string | null;
  language: string | null;
}

const REQUEST_TIMEOUT_MS = 15_000;
const MAX_RETRY_WAIT_S = 10;

export class Core {
  readonly recorder: Recorder;
  private readonly stops: (() => void)[] = [];
  private workerStarted = false;

  constructor(readonly opts: CoreOptions) {
    this.recorder = new Recorder();
    for (const source of Object.values(behaviourSources)) this.stops.push(source.start(this.recorder, opts.win));
  }

  /** Starts the worker lazily: a page that never renders a widget pays nothing. */
  ensureWorker(): void {
    if (this.workerStarted) return;
    this.workerStarted = true;
    startWorker(this.opts.worker);
  }

  async post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), REQUEST_TIMEOUT_MS);
    let res: Response;
    try {
      res = await fetch(this.opts.server + path, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        credentials: "omit",
        mode: "cors",
        cache: "no-store",
        signal: ctrl.signal,
      });
    } catch {
      throw new WidgetError("network_error");
    } finally {
      clearTimeout(timer);
    }
    let json: Record<string, unknown> = {};
    try {
      json = (await res.json()) as Record<string, unknown>;
    } catch {
      // Non-JSON error pages (a proxy in front): the status alone says enough.
    }
    return { status: res.status, body: json };
  }

  async challenge(sitekey: string): Promise<Challenge> {
    const ask = () => this.post("/v1/challenge", { sitekey, hostname: this.opts.win.location.hostname });
    let { status, body } = await ask();
    const wait = Number(body.retry_after);
    if (status === 429 && wait > 0 && wait <= MAX_RETRY_WAIT_S) {
      // Rate limited briefly (a burst of widgets on one page): wait as told, once.
      await new Promise((resolve) => setTimeout(resolve, wait * 1000));
      ({ status, body } = await ask());
    }
    if (status !== 200) throw new WidgetError(String(body.error ?? `http_${status}`));
    return { ...(body as unknown as Challenge), receivedAt: performance.now() };
  }

  solve(ch: Challenge, onProgress?: (p: number) => void): Promise<Solved> {
    if (ch.algorithm !== "palisade-pow-v1") return Promise.reject(new WidgetError("unsupported_algorithm"));
    this.ensureWorker();
    return solve({ id: ch.id, puzzles: ch.puzzles, difficulty: ch.difficulty }, onProgress).then((pow) => ({ ch, pow }));
  }

  async signals(pow: PowResult): Promise<Signals> {
    const env = await collectEnv(envSources, this.opts.win);
    return {
      v: 1,
      ...this.recorder.snapshot(),
      env,
      pow: {
        solve_ms: Math.min(600_000, Math.round(pow.solveMs * 10) / 10),
        hashes: pow.hashes,
        where: pow.where,
      },
    };
  }

  async submit(solved: Solved, action: string, cdata: string): Promise<SubmitAnswer> {
    const body: Record<string, unknown> = {
      challenge: solved.ch.challenge,
      solution: solved.pow.solution,
      signals: await this.signals(solved.pow),
    };
    if (action) body.action = action;
    if (cdata) body.cdata = cdata;
    const { status, body: answer } = await this.post("/v1/submit", body);
    if (status === 200 && (answer.status === "pass" || answer.status === "escalate")) return answer as unknown as SubmitAnswer;
    if (answer.status === "refused") throw new WidgetError("refused", (answer.reasons as string[]) ?? []);
    throw new WidgetError(String(answer.error ?? `http_${status}`));
  }

  destroy(): void {
    this.stops.forEach((stop) => stop());
  }
}
