// Screen vs window vs outer dimensions (headless: outer 0, or window larger than screen).
import type { EnvSource } from "../env";

const count = (v: number) => Math.max(0, Math.min(100_000, Math.round(v || 0)));

export const screen: EnvSource = {
  collect(win) {
    const s = win.screen;
    const dpr = win.devicePixelRatio;
    return {
      screen: [count(s.width), count(s.height), count(s.availWidth), count(s.availHeight), count(s.colorDepth)],
      window: [count(win.innerWidth), count(win.innerHeight), count(win.outerWidth), count(win.outerHeight)],
      device_pixel_ratio: dpr > 0 && dpr <= 16 ? dpr : null,
    };
  },
};
