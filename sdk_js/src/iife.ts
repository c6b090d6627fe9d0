// The <script src=".../v1/api.js"> entry: installs `window.palisade` (plus a compat
// global when asked), auto-renders containers, and calls ?onload=.
import { createPalisade, hcaptchaShim, recaptchaShim, turnstileShim, type Compat } from "./api";

declare const document: Document;

(function main(win: Window & Record<string, unknown>) {
  if (win.palisade) return; // loaded twice: keep the first instance and its widgets
  const script = (document.currentScript as HTMLScriptElement | null) ??
    Array.from(document.querySelectorAll<HTMLScriptElement>("script[src*='/api.js']")).pop() ?? null;
  const src = script?.src ?? win.location.href;
  const url = new URL(src, win.location.href);
  const q = url.searchParams;
  // Talk only to the origin (and path prefix) the script came from.
  const prefix = /^(.*)\/v1\/(?:[^/]+\/)?api\.js$/.exec(url.pathname);
  const server = url.origin + (prefix ? prefix[1] : "");
  const compatParam = q.get("compat");
  const compat: Compat = compatParam === "hcaptcha" || compatParam === "turnstile" || compatParam === "recaptcha" ? compatParam : "none";
  const nonce = script?.nonce || script?.getAttribute("nonce") || null;
  // Under a nonce-based CSP a blob: worker is usually blocked (and reported): use the
  // main-thread solver unless the page says its worker-src allows blob:.
  const worker = q.get("worker") === "off" || (nonce && q.get("worker") !== "blob") ? "off" : "blob";
  const p = createPalisade({ server, win, worker, nonce, language: q.get("hl"), compat });
  win.palisade = p.api;
  if (compat === "hcaptcha") win.hcaptcha = hcaptchaShim(p);
  if (compat === "turnstile") win.turnstile = turnstileShim(p);
  if (compat === "recaptcha") win.grecaptcha = recaptchaShim(p);

  const render = q.get("render");
  const start = () => {
    // reCAPTCHA v3 puts the sitekey in ?render=; it renders nothing by itself.
    if (!render || render === "onload" || render === "implicit") p.renderAll();
    p.markReady();
    const onload = q.get("onload");
    const fn = onload ? win[onload] : undefined;
    if (typeof fn === "function") (fn as () => void)();
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start, { once: true });
  else start();
})(window as unknown as Window & Record<string, unknown>);
