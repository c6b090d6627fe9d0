// WebGL vendor/renderer (SwiftShader, llvmpipe, Mesa OffScreen betray software/headless GL).
// Creating a context is costly, so it is read once per page.
import { short, type EnvSource } from "../env";

let cached: { webgl_vendor: string | null; webgl_renderer: string | null } | null = null;

export const webgl: EnvSource = {
  collect(win) {
    if (cached) return cached;
    const canvas = win.document.createElement("canvas");
    const gl = (canvas.getContext("webgl") ?? canvas.getContext("experimental-webgl")) as WebGLRenderingContext | null;
    if (!gl) throw new Error("webgl unavailable");
    const ext = gl.getExtension("WEBGL_debug_renderer_info");
    const vendor = gl.getParameter(ext ? ext.UNMASKED_VENDOR_WEBGL : gl.VENDOR) as unknown;
    const renderer = gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER) as unknown;
    gl.getExtension("WEBGL_lose_context")?.loseContext();
    cached = {
      webgl_vendor: vendor == null ? null : short(vendor, 512),
      webgl_renderer: renderer == null ? null : short(renderer, 512),
    };
    return cached;
  },
};
