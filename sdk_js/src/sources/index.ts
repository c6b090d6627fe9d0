// Registries: plain maps from a source's name (reported in `env.errors`) to the source.
import type { BehaviourSource } from "../behaviour";
import type { EnvSource } from "../env";
import { automationGlobals } from "./automation_globals";
import { cdp } from "./cdp";
import { focus } from "./focus";
import { hardware } from "./hardware";
import { keys } from "./keys";
import { languages } from "./languages";
import { permissions } from "./permissions";
import { plugins } from "./plugins";
import { pointer } from "./pointer";
import { screen } from "./screen";
import { scroll } from "./scroll";
import { tampered } from "./tampered";
import { timezone } from "./timezone";
import { touch } from "./touch";
import { userAgent } from "./user_agent";
import { webdriver } from "./webdriver";
import { webgl } from "./webgl";
import { workerScope } from "./worker_scope";

export const behaviourSources: Record<string, BehaviourSource> = { pointer, keys, scroll, touch, focus };

export const envSources: Record<string, EnvSource> = {
  webdriver,
  user_agent: userAgent,
  worker_scope: workerScope,
  languages,
  plugins,
  webgl,
  screen,
  hardware,
  timezone,
  permissions,
  cdp,
  tampered,
  automation_globals: automationGlobals,
};
