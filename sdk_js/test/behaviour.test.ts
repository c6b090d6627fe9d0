import { describe, expect, it } from "vitest";
import { MIN_MOVE_GAP_MS, Recorder, Ring } from "../src/behaviour";
import { keyClass, keys } from "../src/sources/keys";
import { pointer } from "../src/sources/pointer";

describe("Ring", () => {
  it("keeps the most recent items, oldest first, and counts all", () => {
    const r = new Ring<number>(3);
    for (let i = 0; i < 10; i++) r.push(i);
    expect(r.items()).toEqual([7, 8, 9]);
    expect(r.total).toBe(10);
    expect(r.last).toBe(9);
  });
});

describe("Recorder", () => {
  it("bounds every section however long the page stays open", () => {
    const rec = new Recorder(0);
    for (let i = 0; i < 100_000; i++) {
      rec.addPointer(i, i % 500, 10, 0);
      rec.addKey(i, 0, 0);
      rec.addScroll(i, 0, i);
      rec.addTouch(i, 1, 1, 0, 1);
      rec.addFocus(i, 1);
    }
    const s = rec.snapshot(100_000);
    expect(s.pointer!.length).toBeLessThanOrEqual(2000);
    expect(s.keys!.length).toBeLessThanOrEqual(1000);
    expect(s.scroll!.length).toBeLessThanOrEqual(500);
    expect(s.touch!.length).toBeLessThanOrEqual(2000);
    expect(s.focus!.length).toBeLessThanOrEqual(500);
    expect(s.timing!.pointer_total).toBe(100_000);
    expect(JSON.stringify(s).length).toBeLessThan(200_000);
  });

  it("rebases times on the first kept event and keeps pointer time non-decreasing", () => {
    const rec = new Recorder(1000);
    rec.addPointer(1500, 1, 2, 0);
    rec.addPointer(1490, 3, 4, 0); // coalesced event slightly behind
    rec.addPointer(1600, 5.123, 6, 1);
    rec.addKey(1700, 0, 2);
    const s = rec.snapshot(2000);
    // The second move is 0 ms after the first: it replaces it (the latest position wins).
    expect(s.pointer).toEqual([[0, 3, 4, 0], [100, 5.1, 6, 1]]);
    expect(s.keys).toEqual([[200, 0, 2]]);
    expect(s.timing).toMatchObject({ first_interaction_ms: 500, elapsed_ms: 1000, keys_total: 1 });
    expect(s.scroll).toBeUndefined();
  });

  it("never sends timestamps beyond the server's one-hour bound", () => {
    const rec = new Recorder(0);
    rec.addFocus(0, 1);
    rec.addFocus(5 * 3_600_000, 0);
    rec.addPointer(5 * 3_600_000 + 10, 1, 1, 0);
    const s = rec.snapshot(5 * 3_600_000 + 20);
    const times = [...(s.focus ?? []), ...(s.pointer ?? [])].map((e) => e[0]);
    expect(Math.max(...times)).toBeLessThanOrEqual(3_600_000);
    expect(s.focus).toHaveLength(1);
  });

  it("thins a fast mouse's moves to one per 60 Hz frame, keeping every click", () => {
    const rec = new Recorder(0);
    // Eight seconds of a 1000 Hz mouse (the buffer's 600 events at 16 ms: 9.6 s), a click every two.
    for (let t = 0; t < 8_000; t++) {
      rec.addPointer(t, t / 10, 50, 0);
      if (t % 2000 === 1999) {
        rec.addPointer(t, t / 10, 50, 1);
        rec.addPointer(t + 0.5, t / 10, 50, 2);
      }
    }
    const p = rec.snapshot(8_001).pointer!;
    const moves = p.filter((e) => e[3] === 0);
    expect(p.filter((e) => e[3] === 1)).toHaveLength(4);
    expect(p.filter((e) => e[3] === 2)).toHaveLength(4);
    // All eight seconds fit: the first kept move is the last of the page's first frame.
    expect(p[0][1]).toBeLessThan(MIN_MOVE_GAP_MS / 10);
    expect(moves.length).toBeGreaterThan(450);
    expect(moves.length).toBeLessThanOrEqual(8_000 / MIN_MOVE_GAP_MS + 8);
    // Back-to-back moves are a frame apart (a click starts a new run).
    for (let i = 1; i < p.length; i++) {
      if (p[i][3] === 0 && p[i - 1][3] === 0) expect(p[i][0] - p[i - 1][0]).toBeGreaterThanOrEqual(MIN_MOVE_GAP_MS);
    }
    // The newest position is kept, not the first of its frame.
    expect(moves[moves.length - 1].slice(1)).toEqual([799.9, 50, 0]);
    expect(rec.snapshot(8_001).timing!.pointer_total).toBe(8_008);
  });

  it("clamps coordinates to the schema's range", () => {
    const rec = new Recorder(0);
    rec.addPointer(1, 1e9, -1e9, 0);
    expect(rec.snapshot(2).pointer).toEqual([[0, 100000, -100000, 0]]);
  });
});

describe("keyClass", () => {
  it("classifies without keeping the key", () => {
    expect(["a", "Z", "é", "5", " ", "Backspace", "Delete", "Shift", "Enter", "."].map(keyClass)).toEqual([
      0, 0, 0, 1, 2, 3, 3, 4, 5, 5,
    ]);
  });
});

describe("pointer source", () => {
  const fire = (win: EventTarget, type: string, pointerType: string, x: number, y: number) =>
    win.dispatchEvent(Object.assign(new Event(type), { pointerType, clientX: x, clientY: y }));

  it("records the mouse and leaves touches and pens to their own sections", () => {
    const win = new EventTarget();
    const rec = new Recorder(0);
    const stop = pointer.start(rec, win as unknown as Window);
    fire(win, "pointerdown", "touch", 10, 10);
    fire(win, "pointerup", "touch", 10, 10);
    fire(win, "pointermove", "pen", 20, 20);
    fire(win, "pointermove", "mouse", 30, 30);
    fire(win, "pointerdown", "mouse", 30, 30);
    fire(win, "pointerup", "", 30, 30); // a page's own PointerEvent claims to be a mouse
    stop();
    fire(win, "pointermove", "mouse", 40, 40);
    const p = rec.snapshot(1).pointer!;
    expect(p.map((e) => [e[1], e[2], e[3]])).toEqual([
      [30, 30, 0],
      [30, 30, 1],
      [30, 30, 2],
    ]);
  });
});

describe("keys source", () => {
  it("records a held key's auto-repeat as one keystroke", () => {
    const win = new EventTarget();
    const rec = new Recorder(0);
    const stop = keys.start(rec, win as unknown as Window);
    const key = (type: string, repeat: boolean) =>
      win.dispatchEvent(Object.assign(new Event(type), { key: "Backspace", repeat }));
    key("keydown", false);
    for (let i = 0; i < 10; i++) key("keydown", true);
    key("keyup", false);
    stop();
    expect(rec.snapshot(1).keys!.map((e) => [e[1], e[2]])).toEqual([
      [0, 3],
      [1, 3],
    ]);
  });
});
