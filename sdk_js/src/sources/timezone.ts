// IANA timezone and offset (compared with the IP's location server side).
import { short, type EnvSource } from "../env";

export const timezone: EnvSource = {
  collect() {
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const offset = new Date().getTimezoneOffset();
    return {
      timezone: tz ? short(tz) : null,
      timezone_offset: Math.max(-1440, Math.min(1440, offset)),
    };
  },
};
