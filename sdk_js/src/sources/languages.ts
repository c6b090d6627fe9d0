// navigator.language(s): empty lists are typical of some headless setups.
import { short, type EnvSource } from "../env";

export const languages: EnvSource = {
  collect(win) {
    const nav = win.navigator;
    return {
      language: nav.language ? short(nav.language) : null,
      languages: Array.isArray(nav.languages) || nav.languages ? Array.from(nav.languages).slice(0, 32).map((l) => short(l)) : null,
    };
  },
};
