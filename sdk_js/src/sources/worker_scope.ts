// navigator values as seen inside the PoW worker: stealth patches often miss workers.
import type { EnvSource } from "../env";
import { short } from "../env";
import { workerEnv, workerError } from "../pow/run";

export const workerScope: EnvSource = {
  async collect() {
    const env = workerEnv ? await workerEnv : null;
    if (!env) throw new Error(workerError() ?? "no worker");
    return {
      worker_user_agent: short(env.userAgent, 512),
      worker_languages: env.languages ? env.languages.slice(0, 32).map((l) => short(l)) : null,
      worker_hardware_concurrency: typeof env.hardwareConcurrency === "number" ? Math.min(4096, env.hardwareConcurrency) : null,
    };
  },
};
