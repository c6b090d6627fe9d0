// The public API object (`palisade`) and the hCaptcha / Turnstile / reCAPTCHA shims
// built on it. A page written for one of those services works by changing the script URL.
import { Core, type CoreOptions } from "./core";
import { diagnose, type Diagnosis } from "./detectors/index";
import { collectEnv } from "./env";
import { envSources } from "./sources/index";
import type { Environment } from "./types";
import { Widget, type RenderParams } from "./widget";

export type Compat = "none" | "hcaptcha" | "turnstile" | "recaptcha";
export type WidgetRef = string | number | HTMLElement | null | undefined;

export const VERSION = "0.1.0";

export interface PalisadeApi {
  readonly version: string;
  render(container: string | HTMLElement, params: RenderParams): string;
  execute(ref?: WidgetRef, opts?: { async?: boolean; action?: string }): Promise<string>;
  reset(ref?: WidgetRef): void;
  remove(ref?: WidgetRef): void;
  getResponse(ref?: WidgetRef): string;
  isExpired(ref?: WidgetRef): boolean;
  ready(cb: () => void): void;
  /** The environment this page would send, and what the client-side detectors make of it. */
  diagnostics(): Promise<{ env: Environment } & Diagnosis>;
}

const RESPONSE_NAMES: Record<Compat, string[]> = {
  none: ["palisade-response"],
  hcaptcha: ["h-captcha-response", "g-recaptcha-response"],
  turnstile: ["cf-turnstile-response"],
  recaptcha: ["g-recaptcha-response"],
};

const CLASSES: Record<Compat, string> = {
  none: ".palisade-captcha",
  hcaptcha: ".palisade-captcha,.h-captcha",
  turnstile: ".palisade-captcha,.cf-turnstile",
  recaptcha: ".palisade-captcha,.g-recaptcha",
};

// Other services' parameter spellings -> ours.
const ALIASES: Record<string, string> = {
  cData: "cdata",
  hl: "language",
  tabIndex: "tabindex",
  expiredCallback: "expired-callback",
  errorCallback: "error-callback",
  responseField: "response-field",
  responseFieldName: "response-field-name",
  refreshExpired: "refresh-expired",
};

function normalise(params: Record<string, unknown>): RenderParams {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) out[ALIASES[k] ?? k] = v;
  return out as RenderParams;
}

/** `data-*` attributes of an auto-rendered container as render params. */
export function paramsFromElement(el: HTMLElement): RenderParams {
  const out: Record<string, unknown> = {};
  for (const attr of Array.from(el.attributes)) {
    if (attr.name.startsWith("data-")) out[attr.name.slice(5)] = attr.value;
  }
  return normalise(out);
}

export interface Installed {
  api: PalisadeApi;
  core: Core;
  /** Renders every not-yet-rendered container matching the compat's classes. */
  renderAll(): void;
  /** Marks the API ready and runs queued ready() callbacks. */
  markReady(): void;
  find(ref: WidgetRef): Widget | undefined;
  widgetFor(sitekey: string): Widget;
}

export type PalisadeOptions = Pick<CoreOptions, "server" | "win"> &
  Partial<Omit<CoreOptions, "server" | "win">> & { compat?: Compat };

export function createPalisade(options: PalisadeOptions): Installed {
  const compat = options.compat ?? "none";
  const opts: CoreOptions = { worker: "blob", nonce: null, language: null, ...options };
  const core = new Core(opts);
  const doc = opts.win.document;
  const widgets = new Map<string, Widget>();
  const readyQueue: (() => void)[] = [];
  let isReady = false;
  let counter = 0;

  const find = (ref: WidgetRef): Widget | undefined => {
    if (ref === undefined || ref === null || ref === "") return widgets.values().next().value;
    if (typeof ref === "number" || typeof ref === "string") {
      const byId = widgets.get(String(ref));
      if (byId) return byId;
    }
    let el: Element | null = null;
    if (typeof ref === "string") {
      try {
        el = doc.querySelector(ref);
      } catch {
        return undefined; // not a selector (e.g. a reCAPTCHA v3 sitekey)
      }
    } else if (typeof ref === "object") el = ref;
    for (const w of widgets.values()) if (el && w.container === el) return w;
    return undefined;
  };

  const render = (container: string | HTMLElement, params: RenderParams): string => {
    const el = typeof container === "string" ? (doc.getElementById(container) ?? doc.querySelector<HTMLElement>(container)) : container;
    if (!el) throw new Error("palisade: container not found");
    const existing = find(el);
    if (existing) return existing.id;
    const id = String(counter++);
    const fromAttrs = paramsFromElement(el);
    widgets.set(id, new Widget(id, core, el, { ...fromAttrs, ...normalise(params as Record<string, unknown>) }, RESPONSE_NAMES[compat]));
    el.setAttribute("data-palisade-id", id);
    return id;
  };

  const need = (ref: WidgetRef): Widget => {
    const w = find(ref);
    if (!w) throw new Error("palisade: no such widget");
    return w;
  };

  const api: PalisadeApi = {
    version: VERSION,
    render,
    execute(ref, o) {
      try {
        return need(ref).execute(o?.action);
      } catch (err) {
        return Promise.reject(err);
      }
    },
    reset: (ref) => find(ref)?.reset(),
    remove(ref) {
      const w = find(ref);
      if (!w) return;
      w.remove();
      w.container.removeAttribute("data-palisade-id");
      widgets.delete(w.id);
    },
    getResponse: (ref) => find(ref)?.token ?? "",
    isExpired: (ref) => find(ref)?.expired ?? false,
    ready(cb) {
      if (isReady) setTimeout(cb);
      else readyQueue.push(cb);
    },
    async diagnostics() {
      core.ensureWorker(); // for the worker-scope values
      const env = await collectEnv(envSources, opts.win);
      return { env, ...diagnose(env) };
    },
  };

  return {
    api,
    core,
    find,
    renderAll() {
      for (const el of Array.from(doc.querySelectorAll<HTMLElement>(CLASSES[compat]))) {
        if (!el.hasAttribute("data-palisade-id")) render(el, {} as RenderParams);
      }
    },
    markReady() {
      isReady = true;
      readyQueue.splice(0).forEach((cb) => setTimeout(cb));
    },
    widgetFor(sitekey) {
      for (const w of widgets.values()) if (w.params.sitekey === sitekey && w.params.size === "invisible") return w;
      const holder = doc.createElement("div");
      holder.hidden = true;
      doc.body.appendChild(holder);
      return need(render(holder, { sitekey, size: "invisible", "response-field": false }));
    },
  };
}

/** `window.hcaptcha`: execute(id, {async: true}) resolves {response, key}. */
export function hcaptchaShim(p: Installed) {
  const { api } = p;
  return {
    render: api.render,
    reset: api.reset,
    remove: api.remove,
    getResponse: api.getResponse,
    getRespKey: () => "",
    setData: () => undefined,
    close: () => undefined,
    execute(ref?: WidgetRef | { async?: boolean }, opts?: { async?: boolean }) {
      if (ref && typeof ref === "object" && !("nodeType" in ref)) {
        opts = ref as { async?: boolean };
        ref = undefined;
      }
      const run = api.execute(ref as WidgetRef).then((response) => ({ response, key: "" }));
      if (opts?.async) return run;
      run.catch(() => undefined); // errors reach error-callback
      return undefined;
    },
  };
}

/** `window.turnstile`: same shape as ours; execute returns nothing. */
export function turnstileShim(p: Installed) {
  const { api } = p;
  return {
    render: api.render,
    reset: api.reset,
    remove: api.remove,
    getResponse: api.getResponse,
    isExpired: api.isExpired,
    ready: api.ready,
    execute(ref?: WidgetRef, params?: { action?: string }) {
      const w = p.find(ref);
      if (!w && ref && typeof ref !== "number") {
        // Turnstile allows execute(container, params) on a container not rendered yet.
        const id = api.render(ref as string | HTMLElement, { ...(params ?? {}), execution: "execute" } as RenderParams);
        api.execute(id).catch(() => undefined);
        return;
      }
      api.execute(ref).catch(() => undefined);
    },
  };
}

/** `window.grecaptcha`: v2 (numeric widget ids) and v3 (execute(sitekey, {action})). */
export function recaptchaShim(p: Installed) {
  const { api } = p;
  const shim = {
    render: (container: string | HTMLElement, params: RenderParams) => Number(api.render(container, params)),
    reset: api.reset,
    getResponse: api.getResponse,
    ready: api.ready,
    execute(ref?: WidgetRef, opts?: { action?: string }): Promise<string> {
      const w = p.find(ref);
      if (!w && typeof ref === "string") {
        // v3: a fresh token per call, for this sitekey and action.
        return p.widgetFor(ref).execute(opts?.action ?? "");
      }
      const run = api.execute(ref);
      run.catch(() => undefined);
      return run;
    },
    enterprise: undefined as unknown,
  };
  shim.enterprise = shim;
  return shim;
}
