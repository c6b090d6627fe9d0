// Keystroke timing. Only a coarse class is kept, never the key itself.
import { eventTime, listen, type BehaviourSource } from "../behaviour";
import type { KeyEvent3 } from "../types";

const MODIFIERS = new Set(["Shift", "Control", "Alt", "Meta", "CapsLock", "AltGraph", "Fn", "OS"]);

export function keyClass(key: string): KeyEvent3[2] {
  if (key === " ") return 2;
  if (key === "Backspace" || key === "Delete") return 3;
  if (MODIFIERS.has(key)) return 4;
  if (key.length === 1 && /\d/.test(key)) return 1;
  if (key.length === 1 && key.toLowerCase() !== key.toUpperCase()) return 0;
  return 5;
}

export const keys: BehaviourSource = {
  start(rec, win) {
    const on = (kind: 0 | 1) => (e: Event) => {
      const ke = e as KeyboardEvent;
      // A held key's repeated keydowns are the keyboard's, at its fixed rate and never
      // released: one keystroke, not a run of perfectly regular ones (a script's tell).
      if (ke.repeat) return;
      rec.addKey(eventTime(ke), kind, keyClass(ke.key ?? ""));
    };
    const offs = [listen(win, "keydown", on(0)), listen(win, "keyup", on(1))];
    return () => offs.forEach((off) => off());
  },
};
