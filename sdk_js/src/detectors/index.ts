// Registry: plain map of detectors; `diagnose` runs them all over one environment.
import type { Environment, Failed } from "../types";
import { automationGlobals } from "./automation_globals";
import { cdp } from "./cdp";
import { headlessUa } from "./headless_ua";
import { noLanguages } from "./no_languages";
import { permissionsMismatch } from "./permissions_mismatch";
import { pluginsInconsistent } from "./plugins_inconsistent";
import { softwareRenderer } from "./software_renderer";
import { tampered } from "./tampered";
import type { Detector } from "./types";
import { uaDataMismatch } from "./ua_data_mismatch";
import { webdriver } from "./webdriver";
import { windowGeometry } from "./window_geometry";
import { workerMismatch } from "./worker_mismatch";

export type { Detector };

export const detectors: Record<string, Detector> = {
  webdriver,
  automation_globals: automationGlobals,
  cdp,
  headless_ua: headlessUa,
  ua_data_mismatch: uaDataMismatch,
  worker_mismatch: workerMismatch,
  software_renderer: softwareRenderer,
  plugins_inconsistent: pluginsInconsistent,
  window_geometry: windowGeometry,
  permissions_mismatch: permissionsMismatch,
  no_languages: noLanguages,
  tampered,
};

export interface Diagnosis {
  reasons: string[];
  unknown: Record<string, Failed>;
}

export function diagnose(env: Environment): Diagnosis {
  const out: Diagnosis = { reasons: [], unknown: {} };
  for (const d of Object.values(detectors)) {
    const r = d.test(env);
    if (r === true) out.reasons.push(d.code);
    else if (r !== false) out.unknown[d.code] = r;
  }
  return out;
}
