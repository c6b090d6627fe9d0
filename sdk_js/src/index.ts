// ESM entry for bundlers. Importing it touches no browser global (SSR safe): call
// `createPalisade({server, win: window, ...})` in the browser to get the API.
export { createPalisade, hcaptchaShim, recaptchaShim, turnstileShim, VERSION } from "./api";
export type { Compat, Installed, PalisadeApi, PalisadeOptions, WidgetRef } from "./api";
export type { RenderParams } from "./widget";
export { detectors, diagnose } from "./detectors/index";
export type { Detector, Diagnosis } from "./detectors/index";
export { Solver, solveSync } from "./pow/solver";
export type { PowJob } from "./pow/solver";
export { Recorder, Ring } from "./behaviour";
export { messages, LANGUAGES } from "./i18n";
export type * from "./types";
