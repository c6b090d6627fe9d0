// Globals left behind by automation drivers (chromedriver, Selenium, PhantomJS, Nightmare...).
import { short, type EnvSource } from "../env";

const NAMES = [
  "__webdriver_evaluate", "__selenium_evaluate", "__webdriver_script_function", "__webdriver_script_func",
  "__webdriver_script_fn", "__fxdriver_evaluate", "__driver_unwrapped", "__webdriver_unwrapped",
  "__driver_evaluate", "__selenium_unwrapped", "__fxdriver_unwrapped", "_Selenium_IDE_Recorder", "_selenium",
  "calledSelenium", "domAutomation", "domAutomationController", "callPhantom", "_phantom", "phantom",
  "__nightmare", "__phantomas", "Buffer", "emit", "spawn", "webdriver", "__webdriverFunc", "__lastWatirAlert",
  "__lastWatirConfirm", "__lastWatirPrompt", "__playwright__binding__", "__pwInitScripts", "__puppeteer_evaluation_script__",
];
const PATTERN = /^\$?cdc_|^\$wdc_|^__(webdriver|selenium|fxdriver|playwright|pw_|puppeteer)/;

export function findAutomationGlobals(win: Window): string[] {
  const found = new Set<string>();
  const doc = win.document;
  for (const name of NAMES) if (name in win || name in doc) found.add(name);
  for (const obj of [win, doc] as object[]) {
    for (const name of Object.getOwnPropertyNames(obj)) if (PATTERN.test(name)) found.add(name);
  }
  for (const attr of ["webdriver", "selenium", "driver"]) {
    if (doc.documentElement?.hasAttribute(attr)) found.add("attr:" + attr);
  }
  return Array.from(found).slice(0, 64).map((n) => short(n));
}

export const automationGlobals: EnvSource = {
  collect: (win) => ({ automation_globals: findAutomationGlobals(win) }),
};
