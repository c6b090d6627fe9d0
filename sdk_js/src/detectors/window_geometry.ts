import { missing, type Detector } from "./types";

// Headless windows have no outer frame (0x0) or a viewport larger than the screen.
export const windowGeometry: Detector = {
  code: "env.window_geometry",
  test(env) {
    if (!env.window || !env.screen) return missing("window");
    const [iw, ih, ow, oh] = env.window;
    const [sw, sh] = env.screen;
    return ow === 0 || oh === 0 || (sw > 0 && iw > sw * 1.05 && sh > 0 && ih > sh * 1.05);
  },
};
