import { missing, type Detector } from "./types";

export const webdriver: Detector = {
  code: "env.webdriver",
  test: (env) => (env.webdriver == null ? missing("webdriver") : env.webdriver),
};
