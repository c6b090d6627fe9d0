import { missing, type Detector } from "./types";

// "HeadlessChrome" in the UA or the brand list: Chrome's old headless mode, unpatched.
export const headlessUa: Detector = {
  code: "env.headless_ua",
  test(env) {
    if (env.user_agent == null) return missing("user_agent");
    return /Headless/i.test(env.user_agent) || (env.ua_data?.brands ?? []).some((b) => /Headless/i.test(b));
  },
};
