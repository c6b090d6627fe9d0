import { describe, expect, it } from "vitest";
import { LANGUAGES, messages } from "../src/i18n";

describe("messages", () => {
  it("covers at least 10 languages with every string", () => {
    expect(LANGUAGES.length).toBeGreaterThanOrEqual(10);
    for (const lang of LANGUAGES) {
      const m = messages(lang);
      expect(m.lang).toBe(lang);
      for (const v of Object.values(m)) expect(String(v).length).toBeGreaterThan(0);
    }
  });

  it("matches region tags and falls back to English", () => {
    expect(messages("pt-BR").lang).toBe("pt");
    expect(messages("xx").lang).toBe("en");
    expect(messages(undefined).label).toBe("I am human");
    expect(messages("ar").dir).toBe("rtl");
  });
});
