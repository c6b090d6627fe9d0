// Bounded, page-wide behaviour recording. Every buffer keeps only the most recent
// events plus a total count, so a page left open for hours neither grows memory nor
// the payload.
import type { FocusEvent2, KeyEvent3, PointerEvent4, ScrollEvent3, Signals, TouchEvent5 } from "./types";

/** Fixed-capacity ring buffer that also counts everything ever pushed. */
export class Ring<T> {
  private buf: T[] = [];
  private head = 0;
  total = 0;
  constructor(readonly capacity: number) {}
  push(item: T): void {
    this.total++;
    if (this.buf.length < this.capacity) this.buf.push(item);
    else {
      this.buf[this.head] = item;
      this.head = (this.head + 1) % this.capacity;
    }
  }
  /** Oldest first. */
  items(): T[] {
    return this.buf.slice(this.head).concat(this.buf.slice(0, this.head));
  }
  /** Overwrites the newest item (pushes when empty); counted like a push. */
  replaceLast(item: T): void {
    if (!this.buf.length) return this.push(item);
    this.total++;
    this.buf[(this.head + this.buf.length - 1) % this.buf.length] = item;
  }
  get last(): T | undefined {
    return this.buf.length ? this.buf[(this.head + this.buf.length - 1) % this.buf.length] : undefined;
  }
}

// Moves closer together than this replace the one before (the latest position wins,
// as a frame's last event does): one move per frame of a 60 Hz display, which is what
// the scorer's model was trained on (scoring/recorder.py keeps the last move of each
// frame) and more than its 20 ms grid reads. A 1000 Hz mouse's coalesced events would
// otherwise fill the buffer in about a second, and every extra event is bytes to send
// and work for the server. At this spacing the buffer holds about ten seconds of
// moving (a still pointer sends nothing): the several approaches and clicks of a
// page, which the server scores one by one.
export const MIN_MOVE_GAP_MS = 16;

// The server accepts at most one hour of timestamps (scoring/schema.py MAX_T_MS).
const MAX_SPAN_MS = 3_599_000;

const round1 = (v: number) => Math.round(v * 10) / 10;
const clampCoord = (v: number) => round1(Math.max(-100_000, Math.min(100_000, v || 0)));

export class Recorder {
  readonly pointer = new Ring<PointerEvent4>(600);
  readonly keys = new Ring<KeyEvent3>(400);
  readonly scroll = new Ring<ScrollEvent3>(200);
  readonly touch = new Ring<TouchEvent5>(800);
  readonly focus = new Ring<FocusEvent2>(100);
  firstInteraction: number | null = null;
  private moveAnchor = -Infinity;

  constructor(readonly loadedAt: number = performance.now()) {}

  /** Records a user interaction's time (absolute, performance.now scale). */
  interacted(t: number): void {
    if (this.firstInteraction === null) this.firstInteraction = t;
  }

  addPointer(t: number, x: number, y: number, kind: 0 | 1 | 2): void {
    // Coalesced events can arrive with timestamps slightly behind the last one.
    const last = this.pointer.last;
    if (last && t < last[0]) t = last[0];
    const ev: PointerEvent4 = [t, clampCoord(x), clampCoord(y), kind];
    if (kind === 0 && last?.[3] === 0 && t - this.moveAnchor < MIN_MOVE_GAP_MS) {
      this.pointer.replaceLast(ev);
    } else {
      this.pointer.push(ev);
      if (kind === 0) this.moveAnchor = t;
    }
    this.interacted(t);
  }

  addKey(t: number, kind: 0 | 1, cls: KeyEvent3[2]): void {
    this.keys.push([t, kind, cls]);
    this.interacted(t);
  }

  addScroll(t: number, x: number, y: number): void {
    this.scroll.push([t, clampCoord(x), clampCoord(y)]);
  }

  addTouch(t: number, x: number, y: number, kind: 0 | 1 | 2 | 3, touches: number): void {
    this.touch.push([t, clampCoord(x), clampCoord(y), kind, Math.min(10, touches)]);
    this.interacted(t);
  }

  addFocus(t: number, kind: 0 | 1 | 2 | 3): void {
    this.focus.push([t, kind]);
  }

  /** The behaviour part of the signals, timestamps rebased on the first kept event. */
  snapshot(now: number = performance.now()): Omit<Signals, "v" | "env" | "pow"> {
    const sections = {
      pointer: this.pointer.items(),
      keys: this.keys.items(),
      scroll: this.scroll.items(),
      touch: this.touch.items(),
      focus: this.focus.items(),
    };
    let first = Infinity;
    let latest = -Infinity;
    for (const list of Object.values(sections)) {
      for (const ev of list) {
        first = Math.min(first, ev[0]);
        latest = Math.max(latest, ev[0]);
      }
    }
    const origin = Math.max(first, latest - MAX_SPAN_MS);
    const out: Omit<Signals, "v" | "env" | "pow"> = {};
    for (const [name, list] of Object.entries(sections) as [keyof typeof sections, Array<[number, ...number[]]>][]) {
      const kept = list
        .filter((ev) => ev[0] >= origin)
        .map((ev) => [Math.round(ev[0] - origin), ...ev.slice(1)]);
      if (kept.length) (out as Record<string, unknown>)[name] = kept;
    }
    const ms = (v: number) => Math.max(0, Math.min(86_400_000, Math.round(v)));
    out.timing = {
      first_interaction_ms: this.firstInteraction === null ? null : ms(this.firstInteraction - this.loadedAt),
      elapsed_ms: ms(now - this.loadedAt),
      pointer_total: this.pointer.total,
      keys_total: this.keys.total,
      scroll_total: this.scroll.total,
      touch_total: this.touch.total,
    };
    return out;
  }
}

/** A page-wide listener set feeding one section of the recorder; returns its remover. */
export interface BehaviourSource {
  start(rec: Recorder, win: Window): () => void;
}

/** Event time on the performance.now() scale. */
export const eventTime = (e: Event): number => (e.timeStamp > 0 ? e.timeStamp : performance.now());

export const listen = (
  target: EventTarget,
  type: string,
  fn: (e: Event) => void,
): (() => void) => {
  const opts = { capture: true, passive: true } as const;
  target.addEventListener(type, fn, opts);
  return () => target.removeEventListener(type, fn, opts);
};
