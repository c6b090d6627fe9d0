// A DevTools protocol client (Puppeteer, Playwright, Selenium 4) with the Runtime domain
// enabled serialises console arguments, which reads an Error's `stack`. A plain browser
// never does. console.debug is hidden at default DevTools levels.
import type { EnvSource } from "../env";

export const cdp: EnvSource = {
  collect(win) {
    let hit = false;
    const err = new Error("palisade");
    Object.defineProperty(err, "stack", {
      configurable: true,
      get() {
        hit = true;
        return "";
      },
    });
    (win as Window & { console: Console }).console.debug(err);
    return { cdp: hit };
  },
};
