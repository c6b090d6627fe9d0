// CPU count, memory and touch points.
import type { EnvSource } from "../env";

export const hardware: EnvSource = {
  collect(win) {
    const nav = win.navigator as Navigator & { deviceMemory?: number };
    const hc = nav.hardwareConcurrency;
    const mem = nav.deviceMemory;
    const tp = nav.maxTouchPoints;
    return {
      hardware_concurrency: typeof hc === "number" ? Math.max(0, Math.min(4096, hc)) : null,
      device_memory: typeof mem === "number" ? Math.max(0, Math.min(4096, mem)) : null,
      touch_points: typeof tp === "number" ? Math.max(0, Math.min(256, tp)) : null,
    };
  },
};
