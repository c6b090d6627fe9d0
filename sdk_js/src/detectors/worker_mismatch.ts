import { missing, type Detector } from "./types";

// Window and worker scope disagree: a patch applied to `window` only.
export const workerMismatch: Detector = {
  code: "env.worker_mismatch",
  test(env) {
    if (env.worker_user_agent == null) return missing("worker_user_agent");
    if (env.user_agent != null && env.user_agent !== env.worker_user_agent) return true;
    if (env.hardware_concurrency != null && env.worker_hardware_concurrency != null &&
        env.hardware_concurrency !== env.worker_hardware_concurrency) return true;
    const a = env.languages?.join(",");
    const b = env.worker_languages?.join(",");
    return a != null && b != null && a !== b;
  },
};
