// The user agent string and, in Chromium, userAgentData (compared server side).
import { short, type EnvSource } from "../env";

interface UAData {
  brands?: { brand: string; version: string }[];
  mobile?: boolean;
  platform?: string;
}

export const userAgent: EnvSource = {
  collect(win) {
    const nav = win.navigator as Navigator & { userAgentData?: UAData };
    const data = nav.userAgentData;
    return {
      user_agent: short(nav.userAgent, 512),
      ua_data: data
        ? {
            brands: (data.brands ?? []).slice(0, 16).map((b) => short(`${b.brand}/${b.version}`)),
            mobile: typeof data.mobile === "boolean" ? data.mobile : null,
            platform: typeof data.platform === "string" ? short(data.platform) : null,
          }
        : null,
    };
  },
};
