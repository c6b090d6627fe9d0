// navigator.webdriver: true under WebDriver/CDP automation unless patched.
import type { EnvSource } from "../env";

export const webdriver: EnvSource = {
  collect: (win) => ({ webdriver: typeof win.navigator.webdriver === "boolean" ? win.navigator.webdriver : null }),
};
