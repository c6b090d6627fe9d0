// Wire format v1 of the signals (scoring/schema.py). The server rejects unknown fields,
// so nothing else may appear here.

export type PointerEvent4 = [t: number, x: number, y: number, kind: 0 | 1 | 2];
export type KeyEvent3 = [t: number, kind: 0 | 1, cls: 0 | 1 | 2 | 3 | 4 | 5];
export type ScrollEvent3 = [t: number, x: number, y: number];
export type TouchEvent5 = [t: number, x: number, y: number, kind: 0 | 1 | 2 | 3, touches: number];
export type FocusEvent2 = [t: number, kind: 0 | 1 | 2 | 3];

export interface UserAgentData {
  brands?: string[];
  mobile?: boolean | null;
  platform?: string | null;
}

export interface SourceError {
  source: string;
  error: string;
}

export interface Environment {
  webdriver?: boolean | null;
  user_agent?: string | null;
  ua_data?: UserAgentData | null;
  worker_user_agent?: string | null;
  worker_languages?: string[] | null;
  worker_hardware_concurrency?: number | null;
  language?: string | null;
  languages?: string[] | null;
  plugins?: number | null;
  mime_types?: number | null;
  webgl_vendor?: string | null;
  webgl_renderer?: string | null;
  screen?: [number, number, number, number, number] | null;
  window?: [number, number, number, number] | null;
  device_pixel_ratio?: number | null;
  hardware_concurrency?: number | null;
  device_memory?: number | null;
  timezone?: string | null;
  timezone_offset?: number | null;
  notification_permission?: "default" | "granted" | "denied" | null;
  permissions_query?: "prompt" | "granted" | "denied" | null;
  cdp?: boolean | null;
  tampered?: string[] | null;
  automation_globals?: string[] | null;
  touch_points?: number | null;
  errors?: SourceError[];
}

export interface Timing {
  first_interaction_ms?: number | null;
  elapsed_ms?: number | null;
  pointer_total?: number | null;
  keys_total?: number | null;
  scroll_total?: number | null;
  touch_total?: number | null;
}

export interface PowTiming {
  solve_ms: number;
  hashes?: number | null;
  where?: "worker" | "main" | null;
}

export interface Signals {
  v: 1;
  pointer?: PointerEvent4[];
  keys?: KeyEvent3[];
  scroll?: ScrollEvent3[];
  touch?: TouchEvent5[];
  focus?: FocusEvent2[];
  timing?: Timing;
  env?: Environment;
  pow?: PowTiming;
}

/** A signal that could not be read: its own state, never evidence of a bot. */
export interface Failed {
  state: "failed" | "missing";
  error: string;
}
