// One rendered widget: runs challenge -> PoW -> submit (with escalation), owns the
// hidden response inputs, the view, and token refresh/expiry timers.
import { Core, WidgetError, type Challenge, type Solved } from "./core";
import { messages } from "./i18n";
import { View } from "./ui/view";

type Fn = (...args: unknown[]) => unknown;
// never[] parameters: any page function (token: string) => void is assignable.
type Callback = string | ((...args: never[]) => unknown) | undefined;

export interface RenderParams {
  sitekey: string;
  theme?: "light" | "dark" | "auto";
  size?: "normal" | "compact" | "flexible" | "invisible";
  callback?: Callback;
  "expired-callback"?: Callback;
  "error-callback"?: Callback;
  "before-interactive-callback"?: Callback;
  "after-interactive-callback"?: Callback;
  action?: string;
  cdata?: string;
  language?: string;
  tabindex?: number | string;
  /** false: add no hidden input. */
  "response-field"?: boolean | string;
  "response-field-name"?: string;
  /** auto (default): new token before expiry; manual: the person re-checks; never: just expire. */
  "refresh-expired"?: "auto" | "manual" | "never";
  /** render (default): start on render; execute: wait for execute(). */
  execution?: "render" | "execute";
  [alias: string]: unknown;
}

class Cancelled extends Error {}

// Margin before a challenge's expiry under which it is refetched rather than submitted.
const CHALLENGE_MARGIN_MS = 5_000;

export class Widget {
  token: string | null = null;
  expired = false;
  view: View | null = null;
  private inputs: HTMLInputElement[] = [];
  private gen = 0;
  private running: Promise<string> | null = null;
  private click: { resolve: () => void; reject: (e: Error) => void } | null = null;
  private timers: ReturnType<typeof setTimeout>[] = [];
  private readonly msg;
  private readonly theme: string;
  private readonly size: string;

  constructor(
    readonly id: string,
    private readonly core: Core,
    readonly container: HTMLElement,
    readonly params: RenderParams,
    responseNames: string[],
  ) {
    if (!params.sitekey) throw new Error("palisade: missing sitekey");
    this.msg = messages(params.language ?? core.opts.language ?? core.opts.win.navigator.language);
    this.theme = ["light", "dark", "auto"].includes(params.theme as string) ? (params.theme as string) : "auto";
    this.size = ["normal", "compact", "flexible", "invisible"].includes(params.size as string) ? (params.size as string) : "normal";
    const custom = params["response-field-name"];
    const names = custom ? [custom, ...responseNames.slice(1)] : responseNames;
    if (params["response-field"] !== false && params["response-field"] !== "false") {
      const doc = container.ownerDocument;
      for (const name of names) {
        const input = doc.createElement("input");
        input.type = "hidden";
        input.name = name;
        container.appendChild(input);
        this.inputs.push(input);
      }
    }
    if (this.size !== "invisible") this.ensureView();
    core.ensureWorker();
    if (this.size !== "invisible" && params.execution !== "execute") this.background(this.start(false));
  }

  private ensureView(): View {
    if (!this.view) {
      const tab = Number(this.params.tabindex ?? 0);
      this.view = new View(this.container, this.msg, {
        theme: this.theme,
        size: this.size === "invisible" ? "normal" : this.size,
        tabindex: Number.isFinite(tab) ? tab : 0,
        nonce: this.core.opts.nonce,
      });
      this.view.onActivate = () => {
        if (this.click) this.click.resolve();
        else if (!this.running) this.background(this.start(true));
      };
    }
    return this.view;
  }

  /** Promise of a token: the current one if still valid, else the running or a new flow. */
  execute(action?: string): Promise<string> {
    if (this.token && !this.expired && action === undefined) return Promise.resolve(this.token);
    if (this.running) return this.running;
    return this.start(false, action);
  }

  private start(clicked: boolean, action?: string, silent = false): Promise<string> {
    const gen = this.gen;
    const run = this.flow(gen, clicked, action ?? this.params.action ?? "", silent).then(
      (token) => {
        if (this.running === run) this.running = null;
        return token;
      },
      (err: unknown) => {
        if (this.running === run) this.running = null;
        if (!(err instanceof Cancelled)) this.fail(err);
        throw err;
      },
    );
    this.running = run;
    return run;
  }

  private background(p: Promise<unknown>): void {
    p.catch(() => undefined); // reported through error-callback and the view
  }

  private check(gen: number): void {
    if (gen !== this.gen) throw new Cancelled("cancelled");
  }

  private async fresh(gen: number, progress: (p: number) => void): Promise<Solved> {
    const ch = await this.core.challenge(this.params.sitekey);
    this.check(gen);
    return this.core.solve(ch, progress);
  }

  private valid(ch: Challenge): boolean {
    return performance.now() < ch.receivedAt + ch.expires_in * 1000 - CHALLENGE_MARGIN_MS;
  }

  private async flow(gen: number, clicked: boolean, action: string, silent: boolean): Promise<string> {
    if (!silent) this.view?.set("verifying", clicked);
    // Learn the site's mode from the challenge before deciding whether to wait for a click;
    // the PoW runs while the person moves to the checkbox.
    const first = await this.core.challenge(this.params.sitekey);
    this.check(gen);
    const progress = (p: number) => this.view?.progress(p);
    let solving = this.core.solve(first, progress);
    solving.catch(() => undefined);
    // A checkbox site shows its checkbox; an invisible widget asks only when escalated.
    // A silent refresh does not ask again; an interactive escalation still does.
    if (first.mode === "checkbox" && !clicked && !silent && this.size !== "invisible") {
      await this.waitClick(gen);
      clicked = true;
    }
    let solved = await solving;
    this.check(gen);
    for (let round = 0; round < 6; round++) {
      if (!this.valid(solved.ch)) {
        solved = await this.fresh(gen, progress);
        this.check(gen);
      }
      const answer = await this.core.submit(solved, action, String(this.params.cdata ?? ""));
      this.check(gen);
      if (answer.status === "pass") return this.accept(answer.token, answer.expires_in);
      // Escalation: start the harder PoW at once, in parallel with the person's click.
      solving = this.core.solve({ ...answer.challenge, receivedAt: performance.now() }, progress);
      solving.catch(() => undefined);
      if (answer.interactive && !clicked) {
        this.call("before-interactive-callback");
        await this.waitClick(gen);
        clicked = true;
        this.call("after-interactive-callback");
      }
      solved = await solving;
      this.check(gen);
    }
    throw new WidgetError("too_many_escalations");
  }

  private waitClick(gen: number): Promise<void> {
    const view = this.ensureView();
    if (this.size === "invisible") view.host.removeAttribute("hidden");
    view.set("idle");
    return new Promise<void>((resolve, reject) => {
      this.click = { resolve, reject };
    }).then(() => {
      this.click = null;
      this.check(gen);
      view.set("verifying");
    });
  }

  private accept(token: string, expiresIn: number): string {
    this.token = token;
    this.expired = false;
    for (const input of this.inputs) input.value = token;
    this.view?.set("success");
    this.clearTimers();
    const lifetime = Math.max(1, expiresIn) * 1000;
    const refresh = this.params["refresh-expired"] ?? "auto";
    if (refresh === "auto") {
      // Refresh ahead of expiry (20%, 2 s..60 s) so the form always holds a live token.
      const lead = Math.min(60_000, Math.max(2_000, lifetime * 0.2));
      this.timers.push(
        setTimeout(() => {
          if (!this.running) this.background(this.start(false, undefined, true));
        }, Math.max(0, lifetime - lead)),
      );
    }
    this.timers.push(setTimeout(() => this.expire(), lifetime));
    this.call("callback", token);
    return token;
  }

  private expire(): void {
    if (!this.token) return;
    this.token = null;
    this.expired = true;
    for (const input of this.inputs) input.value = "";
    this.view?.set("expired");
    this.call("expired-callback");
  }

  private fail(err: unknown): void {
    const code = err instanceof WidgetError ? err.code : "internal_error";
    // A token that is still valid (a failed refresh) stays until its own expiry.
    if (this.token && !this.expired) return;
    this.view?.set(code === "refused" ? "failed" : "error");
    this.call("error-callback", code);
  }

  private call(name: string, ...args: unknown[]): void {
    let fn = this.params[name] ?? this.params[name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())];
    if (typeof fn === "string") fn = (this.core.opts.win as unknown as Record<string, unknown>)[fn];
    if (typeof fn === "function") {
      try {
        (fn as Fn)(...args);
      } catch (err) {
        // A throwing page callback must not break the widget; surface it like the page would.
        setTimeout(() => {
          throw err;
        });
      }
    }
  }

  private clearTimers(): void {
    this.timers.forEach(clearTimeout);
    this.timers = [];
  }

  private cancel(): void {
    this.gen++;
    this.running = null;
    this.click?.reject(new Cancelled("cancelled"));
    this.click = null;
    this.clearTimers();
  }

  reset(): void {
    this.cancel();
    this.token = null;
    this.expired = false;
    for (const input of this.inputs) input.value = "";
    if (this.view && this.params.execution !== "execute" && this.size !== "invisible") this.background(this.start(false));
    else this.view?.set("idle", false);
  }

  remove(): void {
    this.cancel();
    this.view?.remove();
    this.view = null;
    for (const input of this.inputs) input.remove();
    this.inputs = [];
  }
}
