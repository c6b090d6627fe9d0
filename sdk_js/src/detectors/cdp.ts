import { missing, type Detector } from "./types";

export const cdp: Detector = {
  code: "env.cdp",
  test: (env) => (env.cdp == null ? missing("cdp") : env.cdp),
};
