import type { Environment, Failed } from "../types";

/** A pure check over collected values; names the reason code the server reports. */
export interface Detector {
  code: string;
  /** true: the reason applies; false: it does not; Failed: inputs missing, no verdict. */
  test(env: Environment): boolean | Failed;
}

export const missing = (what: string): Failed => ({ state: "missing", error: what + " not collected" });
