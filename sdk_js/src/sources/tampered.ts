// Native functions whose toString or descriptors "lie": the mark of stealth patches.
import { short, type EnvSource } from "../env";

type Get = (win: Window) => unknown;

const proto = (ctor: string, prop: string, getter = false): Get => (win) => {
  const p = (win as unknown as Record<string, { prototype?: object } | undefined>)[ctor]?.prototype;
  if (!p) return undefined;
  const d = Object.getOwnPropertyDescriptor(p, prop);
  return getter ? d?.get : d?.value;
};

const TARGETS: Record<string, Get> = {
  "Function.prototype.toString": (win) => (win as unknown as { Function: FunctionConstructor }).Function.prototype.toString,
  "Navigator.webdriver": proto("Navigator", "webdriver", true),
  "Navigator.userAgent": proto("Navigator", "userAgent", true),
  "Navigator.languages": proto("Navigator", "languages", true),
  "Navigator.plugins": proto("Navigator", "plugins", true),
  "Navigator.hardwareConcurrency": proto("Navigator", "hardwareConcurrency", true),
  "Permissions.query": proto("Permissions", "query"),
  "WebGLRenderingContext.getParameter": proto("WebGLRenderingContext", "getParameter"),
  "HTMLCanvasElement.toDataURL": proto("HTMLCanvasElement", "toDataURL"),
  "Date.getTimezoneOffset": proto("Date", "getTimezoneOffset"),
  "Intl.DateTimeFormat.resolvedOptions": () => Intl.DateTimeFormat.prototype.resolvedOptions,
};

const NATIVE = /\{\s*\[native code\]\s*\}\s*$/;

/** Names of the targets whose implementation is not native (or that lie about it). */
export function findTampered(win: Window): string[] {
  const toString = Function.prototype.toString;
  const out: string[] = [];
  for (const [name, get] of Object.entries(TARGETS)) {
    const fn = get(win);
    if (typeof fn !== "function") continue;
    let text = "";
    try {
      text = toString.call(fn);
    } catch {
      out.push(name);
      continue;
    }
    // Natives have no own `prototype`; a replacement written as `function () {}` does.
    if (!NATIVE.test(text) || Object.prototype.hasOwnProperty.call(fn, "prototype")) out.push(name);
  }
  // In every engine navigator's properties live on Navigator.prototype; own ones are overrides.
  for (const own of Object.getOwnPropertyNames(win.navigator)) out.push("navigator." + own);
  return out.slice(0, 64).map((n) => short(n));
}

export const tampered: EnvSource = {
  collect: (win) => ({ tampered: findTampered(win) }),
};
