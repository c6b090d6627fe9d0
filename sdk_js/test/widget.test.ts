// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createPalisade, hcaptchaShim, recaptchaShim, type Installed } from "../src/api";

type Answer = { status: number; body: unknown };
let calls: { path: string; body: Record<string, unknown> }[] = [];
let submitAnswers: Answer[] = [];

function challenge(mode = "managed", id = "AAAAAAAAAAAAAAAAAAAAAA") {
  return { challenge: "c1.k1.x.y", id, algorithm: "palisade-pow-v1", puzzles: 2, difficulty: 2, expires_in: 120, mode };
}

let mode = "managed";

beforeEach(() => {
  vi.spyOn(console, "debug").mockImplementation(() => undefined); // the cdp probe logs
  calls = [];
  submitAnswers = [];
  mode = "managed";
  document.body.innerHTML = "";
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init: RequestInit) => {
      const path = new URL(url).pathname;
      const body = JSON.parse(String(init.body)) as Record<string, unknown>;
      calls.push({ path, body });
      expect(init.credentials).toBe("omit");
      const answer: Answer =
        path === "/v1/challenge"
          ? { status: 200, body: challenge(mode) }
          : (submitAnswers.shift() ?? { status: 200, body: { status: "pass", token: "TOKEN", expires_in: 300 } });
      return new Response(JSON.stringify(answer.body), { status: answer.status });
    }),
  );
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

function install(compat: "none" | "hcaptcha" | "recaptcha" = "none"): Installed {
  return createPalisade({ server: "https://palisade.test", win: window, worker: "off", nonce: null, language: null, compat });
}

function form(html: string): HTMLFormElement {
  const f = document.createElement("form");
  f.innerHTML = html;
  document.body.append(f);
  return f;
}

const until = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe("widget", () => {
  it("managed mode passes silently, fills the hidden input and calls back", async () => {
    const f = form('<div class="palisade-captcha" data-sitekey="sk1" data-callback="done" data-action="login" data-cdata="c-1"></div>');
    const got: string[] = [];
    (window as unknown as Record<string, unknown>).done = (t: string) => got.push(t);
    const p = install();
    p.renderAll();
    await until(() => got.length === 1);
    expect(got).toEqual(["TOKEN"]);
    expect((f.elements.namedItem("palisade-response") as HTMLInputElement).value).toBe("TOKEN");
    expect(p.api.getResponse()).toBe("TOKEN");
    expect(calls.map((c) => c.path)).toEqual(["/v1/challenge", "/v1/submit"]);
    expect(calls[0]!.body).toEqual({ sitekey: "sk1", hostname: window.location.hostname });
    const submit = calls[1]!.body;
    expect(submit).toMatchObject({ challenge: "c1.k1.x.y", action: "login", cdata: "c-1" });
    expect(submit.solution).toHaveLength(2);
    const signals = submit.signals as Record<string, unknown>;
    expect(signals.v).toBe(1);
    expect(signals.pow).toMatchObject({ where: "main" });
    expect(Object.keys(signals).every((k) => ["v", "pointer", "keys", "scroll", "touch", "focus", "timing", "env", "pow"].includes(k))).toBe(true);
  });

  it("escalation to interactive waits for the checkbox, then solves the new challenge", async () => {
    form('<div id="w"></div>');
    submitAnswers = [{ status: 200, body: { status: "escalate", reason: "low_score", interactive: true, challenge: challenge("managed", "BBBBBBBBBBBBBBBBBBBBBB") } }];
    const p = install();
    const id = p.api.render("w", { sitekey: "sk" });
    const token = p.api.execute(id);
    const w = p.find(id)!;
    await until(() => w.view!.state === "idle" && calls.length === 2);
    await new Promise((r) => setTimeout(r, 30));
    expect(calls).toHaveLength(2); // nothing submitted before the click
    const box = w.view!.host.shadowRoot!.querySelector('[role="checkbox"]') as HTMLElement;
    expect(box.getAttribute("aria-checked")).toBe("false");
    box.dispatchEvent(new KeyboardEvent("keydown", { key: " ", bubbles: true }));
    expect(await token).toBe("TOKEN");
    expect(box.getAttribute("aria-checked")).toBe("true");
    expect(calls.map((c) => c.path)).toEqual(["/v1/challenge", "/v1/submit", "/v1/submit"]);
  });

  it("checkbox mode submits only after the click", async () => {
    mode = "checkbox";
    form('<div id="w"></div>');
    const p = install();
    const id = p.api.render("w", { sitekey: "sk", theme: "dark", size: "compact" });
    const w = p.find(id)!;
    await until(() => w.view!.state === "idle" && calls.length === 1);
    expect(w.view!.host.getAttribute("data-theme")).toBe("dark");
    (w.view!.host.shadowRoot!.querySelector(".c") as HTMLElement).click();
    await until(() => p.api.getResponse(id) === "TOKEN");
  });

  it("refusal reports through error-callback and the promise", async () => {
    form('<div id="w"></div>');
    submitAnswers = [{ status: 403, body: { status: "refused", error: "refused", reasons: ["test_sitekey_blocks"] } }];
    const errors: string[] = [];
    const p = install();
    const id = p.api.render("w", { sitekey: "sk", "error-callback": (c: string) => errors.push(c), execution: "execute" });
    await expect(p.api.execute(id)).rejects.toThrow("refused");
    expect(errors).toEqual(["refused"]);
    expect(p.find(id)!.view!.state).toBe("failed");
  });

  it("expires tokens when refresh is off, and refreshes them otherwise", async () => {
    form('<div id="a"></div><div id="b"></div>');
    submitAnswers = [
      { status: 200, body: { status: "pass", token: "T1", expires_in: 3 } },
      { status: 200, body: { status: "pass", token: "T2", expires_in: 3 } },
      { status: 200, body: { status: "pass", token: "T3", expires_in: 300 } },
    ];
    const expired: string[] = [];
    const p = install();
    const a = p.api.render("a", { sitekey: "sk", size: "invisible", "refresh-expired": "never", "expired-callback": () => expired.push("a") });
    expect(await p.api.execute(a)).toBe("T1");
    const b = p.api.render("b", { sitekey: "sk", size: "invisible" });
    expect(await p.api.execute(b)).toBe("T2");
    await until(() => expired.length === 1 && p.api.getResponse(b) === "T3", 5000);
    expect(p.api.isExpired(a)).toBe(true);
    expect(p.api.getResponse(a)).toBe("");
    expect(p.api.isExpired(b)).toBe(false);
  });

  it("remove() takes out the view and the inputs; render works again", async () => {
    const f = form('<div id="w"></div>');
    const p = install();
    const id = p.api.render("w", { sitekey: "sk" });
    p.api.remove(id);
    expect(f.querySelector("input")).toBeNull();
    expect(f.querySelector("palisade-widget")).toBeNull();
    const id2 = p.api.render("w", { sitekey: "sk" });
    expect(id2).not.toBe(id);
    await until(() => p.api.getResponse(id2) === "TOKEN");
  });

  it("hCaptcha compat fills both response fields and resolves {response, key}", async () => {
    const f = form('<div class="h-captcha" data-sitekey="10000000-ffff-ffff-ffff-000000000001" data-size="invisible"></div>');
    const p = install("hcaptcha");
    p.renderAll();
    const out = await hcaptchaShim(p).execute({ async: true });
    expect(out).toEqual({ response: "TOKEN", key: "" });
    for (const name of ["h-captcha-response", "g-recaptcha-response"]) {
      expect((f.elements.namedItem(name) as HTMLInputElement).value).toBe("TOKEN");
    }
  });

  it("reCAPTCHA v3 compat: execute(sitekey, {action}) sends the action", async () => {
    const p = install("recaptcha");
    const token = await recaptchaShim(p).execute("6LcSITEKEY", { action: "submit" });
    expect(token).toBe("TOKEN");
    expect(calls[1]!.body.action).toBe("submit");
  });
});

describe("rate limits", () => {
  it("waits out a short 429 on /v1/challenge once", async () => {
    let first = true;
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string) => {
        const path = new URL(url).pathname;
        calls.push({ path, body: {} });
        if (path === "/v1/challenge" && first) {
          first = false;
          return new Response(JSON.stringify({ error: "rate_limited", limit: "ip", retry_after: 0.05, detail: "" }), { status: 429 });
        }
        const body = path === "/v1/challenge" ? challenge() : { status: "pass", token: "TOKEN", expires_in: 300 };
        return new Response(JSON.stringify(body), { status: 200 });
      }),
    );
    form('<div id="w"></div>');
    const p = install();
    const id = p.api.render("w", { sitekey: "sk", execution: "execute" });
    expect(await p.api.execute(id)).toBe("TOKEN");
    expect(calls.map((c) => c.path)).toEqual(["/v1/challenge", "/v1/challenge", "/v1/submit"]);
  });
});

describe("escalation", () => {
  it("a non-interactive escalation solves the harder challenge without asking", async () => {
    form('<div id="w"></div>');
    submitAnswers = [
      { status: 200, body: { status: "escalate", reason: "low_score", interactive: false, challenge: { ...challenge("managed", "CCCCCCCCCCCCCCCCCCCCCC"), difficulty: 4 } } },
    ];
    const p = install();
    const id = p.api.render("w", { sitekey: "sk", execution: "execute" });
    expect(await p.api.execute(id)).toBe("TOKEN");
    expect(calls.map((c) => c.path)).toEqual(["/v1/challenge", "/v1/submit", "/v1/submit"]);
    expect(calls[2]!.body.challenge).toBe("c1.k1.x.y");
    expect((calls[2]!.body.solution as number[]).length).toBe(2);
  });
});

describe("options", () => {
  it("language, tab index and theme reach the view", async () => {
    form('<div id="w" data-tabindex="3"></div>');
    const p = createPalisade({ server: "https://palisade.test", win: window, worker: "off", language: "de" });
    const id = p.api.render("w", { sitekey: "sk", theme: "light", execution: "execute" });
    const host = p.find(id)!.view!.host;
    const box = host.shadowRoot!.querySelector('[role="checkbox"]') as HTMLElement;
    expect(host.shadowRoot!.querySelector(".l")!.textContent).toBe("Ich bin ein Mensch");
    expect(box.tabIndex).toBe(3);
    expect(host.getAttribute("data-theme")).toBe("light");
    expect(host.getAttribute("data-size")).toBe("normal");
  });
});
