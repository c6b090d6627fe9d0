// The visible widget: a shadow root holding a real checkbox control (role, name, state,
// keyboard) and an aria-live region. Built with DOM APIs only (no innerHTML of markup
// from outside, no inline styles).
import type { Messages } from "../i18n";
import { CSS } from "./styles";

export type ViewState = "idle" | "verifying" | "success" | "error" | "failed" | "expired";

let sheet: CSSStyleSheet | null = null;

function h(doc: Document, tag: string, cls: string, text?: string): HTMLElement {
  const el = doc.createElement(tag);
  el.className = cls;
  if (text !== undefined) el.textContent = text;
  return el;
}

export interface ViewOptions {
  theme: string;
  size: string;
  tabindex: number;
  nonce: string | null;
}

export class View {
  readonly host: HTMLElement;
  private readonly root: HTMLElement;
  private readonly box: HTMLElement;
  private readonly label: HTMLElement;
  private readonly live: HTMLElement;
  state: ViewState = "idle";
  onActivate: (() => void) | null = null;

  constructor(container: HTMLElement, private readonly msg: Messages, opts: ViewOptions) {
    const doc = container.ownerDocument;
    const win = doc.defaultView as (Window & typeof globalThis) | null;
    this.host = doc.createElement("palisade-widget");
    this.host.setAttribute("data-theme", opts.theme);
    this.host.setAttribute("data-size", opts.size);
    const shadow = this.host.attachShadow({ mode: "open" });
    if (win && "adoptedStyleSheets" in shadow && typeof win.CSSStyleSheet === "function") {
      // One sheet per document: constructed sheets cannot be shared across documents.
      if (!sheet) {
        sheet = new win.CSSStyleSheet();
        sheet.replaceSync(CSS);
      }
      shadow.adoptedStyleSheets = [sheet];
    } else {
      // Old engines: a <style> element, carrying the page's nonce when it has one.
      const style = doc.createElement("style");
      if (opts.nonce) style.nonce = opts.nonce;
      style.textContent = CSS;
      shadow.appendChild(style);
    }
    this.root = h(doc, "div", "w");
    this.root.lang = msg.lang;
    this.root.dir = msg.dir;
    const control = h(doc, "div", "c");
    this.box = h(doc, "div", "b");
    this.box.setAttribute("role", "checkbox");
    this.box.setAttribute("aria-checked", "false");
    this.box.setAttribute("aria-labelledby", "l");
    this.box.tabIndex = opts.tabindex;
    this.box.append(h(doc, "span", "s"), h(doc, "span", "k"), h(doc, "span", "x", "!"));
    this.box.lastElementChild!.setAttribute("aria-hidden", "true");
    this.label = h(doc, "span", "l", msg.label);
    this.label.id = "l";
    control.append(this.box, this.label);
    const brand = h(doc, "div", "brand", msg.brand);
    this.live = h(doc, "div", "sr");
    this.live.setAttribute("aria-live", "polite");
    this.live.setAttribute("role", "status");
    this.root.append(control, brand, this.live);
    shadow.append(this.root);

    const activate = (e: Event) => {
      e.preventDefault();
      if (this.state === "idle" || this.state === "error" || this.state === "failed" || this.state === "expired") this.onActivate?.();
    };
    control.addEventListener("click", activate);
    this.box.addEventListener("keydown", (e) => {
      if (e.key === " " || e.key === "Enter") activate(e);
    });
    this.set("idle");
    container.appendChild(this.host);
  }

  set(state: ViewState, announce = true): void {
    this.state = state;
    this.root.setAttribute("data-state", state);
    const m = this.msg;
    const text = { idle: m.label, verifying: m.verifying, success: m.success, error: m.error, failed: m.failed, expired: m.expired }[state];
    this.label.textContent = text;
    this.box.setAttribute("aria-checked", state === "success" ? "true" : "false");
    this.box.setAttribute("aria-busy", state === "verifying" ? "true" : "false");
    this.box.setAttribute("aria-disabled", state === "verifying" || state === "success" ? "true" : "false");
    if (announce && state !== "idle") this.live.textContent = text;
  }

  /** PoW progress while verifying: shown, not announced (it would flood screen readers). */
  progress(fraction: number): void {
    if (this.state === "verifying" && fraction > 0 && fraction < 1) {
      this.label.textContent = `${this.msg.verifying} ${Math.round(fraction * 100)}%`;
    }
  }

  focus(): void {
    this.box.focus();
  }

  remove(): void {
    this.host.remove();
  }
}
