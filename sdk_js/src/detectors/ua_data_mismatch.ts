import { missing, type Detector } from "./types";

// A spoofed user agent string that forgot userAgentData: brands say Chrome N, UA says M.
export const uaDataMismatch: Detector = {
  code: "env.ua_data_mismatch",
  test(env) {
    if (env.user_agent == null || !env.ua_data) return missing("ua_data");
    const ua = /Chrom(?:e|ium)\/(\d+)/.exec(env.user_agent);
    const brand = (env.ua_data.brands ?? []).map((b) => /^(?:Google Chrome|Chromium)\/(\d+)/.exec(b)).find(Boolean);
    if (!brand) return false;
    return !ua || ua[1] !== brand[1];
  },
};
