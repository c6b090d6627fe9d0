import { missing, type Detector } from "./types";

// Software GL: the usual renderer of headless browsers and cloud VMs.
export const softwareRenderer: Detector = {
  code: "env.software_renderer",
  test(env) {
    if (env.webgl_renderer == null) return missing("webgl_renderer");
    return /SwiftShader|llvmpipe|softpipe|Mesa OffScreen|Software/i.test(`${env.webgl_vendor ?? ""} ${env.webgl_renderer}`);
  },
};
