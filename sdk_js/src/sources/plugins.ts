// Plugin and MIME type counts: their consistency with the browser is checked server side.
import type { EnvSource } from "../env";

export const plugins: EnvSource = {
  collect(win) {
    const nav = win.navigator;
    return {
      plugins: nav.plugins ? Math.min(1000, nav.plugins.length) : null,
      mime_types: nav.mimeTypes ? Math.min(1000, nav.mimeTypes.length) : null,
    };
  },
};
