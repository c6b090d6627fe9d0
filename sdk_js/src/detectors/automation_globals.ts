import { missing, type Detector } from "./types";

export const automationGlobals: Detector = {
  code: "env.automation_globals",
  test: (env) => (env.automation_globals == null ? missing("automation_globals") : env.automation_globals.length > 0),
};
