import { missing, type Detector } from "./types";

export const tampered: Detector = {
  code: "env.tampered",
  test: (env) => (env.tampered == null ? missing("tampered") : env.tampered.length > 0),
};
