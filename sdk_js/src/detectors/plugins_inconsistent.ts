import { missing, type Detector } from "./types";

// Desktop Chromium ships its PDF viewer plugins (5) with MIME types; headless had none,
// and patches often fake one list but not the other.
export const pluginsInconsistent: Detector = {
  code: "env.plugins_inconsistent",
  test(env) {
    if (env.plugins == null || env.mime_types == null) return missing("plugins");
    return (env.plugins === 0) !== (env.mime_types === 0);
  },
};
