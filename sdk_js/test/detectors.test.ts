import { describe, expect, it } from "vitest";
import { detectors, diagnose } from "../src/detectors/index";
import { collectEnv, type EnvSource } from "../src/env";
import type { Environment } from "../src/types";

const human: Environment = {
  webdriver: false,
  user_agent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  ua_data: { brands: ["Chromium/131", "Google Chrome/131", "Not_A Brand/24"], mobile: false, platform: "Linux" },
  worker_user_agent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  worker_languages: ["en-US", "en"],
  worker_hardware_concurrency: 8,
  languages: ["en-US", "en"],
  hardware_concurrency: 8,
  plugins: 5,
  mime_types: 2,
  webgl_vendor: "Google Inc. (Intel)",
  webgl_renderer: "ANGLE (Intel, Mesa Intel(R) UHD Graphics 620, OpenGL 4.6)",
  screen: [1920, 1080, 1920, 1053, 24],
  window: [1280, 900, 1280, 1000],
  notification_permission: "default",
  permissions_query: "prompt",
  cdp: false,
  tampered: [],
  automation_globals: [],
};

describe("detectors", () => {
  it("find nothing on an ordinary browser", () => {
    expect(diagnose(human).reasons).toEqual([]);
    expect(diagnose(human).unknown).toEqual({});
  });

  it("each names its reason code on a matching environment", () => {
    const bot: Environment = {
      ...human,
      webdriver: true,
      automation_globals: ["$cdc_asdjflasutopfhvcZLmcfl_"],
      cdp: true,
      user_agent: human.user_agent!.replace("Chrome/131", "HeadlessChrome/120"),
      worker_hardware_concurrency: 2,
      webgl_renderer: "ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)",
      plugins: 0,
      window: [1280, 900, 0, 0],
      notification_permission: "denied",
      languages: [],
      tampered: ["Navigator.webdriver"],
    };
    const { reasons } = diagnose(bot);
    expect(new Set(reasons)).toEqual(new Set(Object.values(detectors).map((d) => d.code)));
  });

  it("report missing inputs as their own state, never as a reason", () => {
    const { reasons, unknown } = diagnose({});
    expect(reasons).toEqual([]);
    expect(Object.keys(unknown)).toHaveLength(Object.keys(detectors).length);
    for (const v of Object.values(unknown)) expect(v).toMatchObject({ state: "missing" });
  });
});

describe("collectEnv", () => {
  it("isolates failing and hanging sources into errors", async () => {
    const sources: Record<string, EnvSource> = {
      ok: { collect: () => ({ webdriver: false }) },
      boom: {
        collect: () => {
          throw new Error("nope");
        },
      },
      slow: { collect: () => new Promise(() => undefined) },
    };
    const env = await collectEnv(sources, {} as Window);
    expect(env.webdriver).toBe(false);
    expect(env.errors).toEqual(
      expect.arrayContaining([
        { source: "boom", error: "nope" },
        { source: "slow", error: "timeout" },
      ]),
    );
  });
});
