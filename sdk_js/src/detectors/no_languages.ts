import { missing, type Detector } from "./types";

export const noLanguages: Detector = {
  code: "env.no_languages",
  test: (env) => (env.languages == null ? missing("languages") : env.languages.length === 0),
};
