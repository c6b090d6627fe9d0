// Page scroll offsets, throttled: one sample per animation-frame-sized interval.
import { eventTime, listen, type BehaviourSource } from "../behaviour";

const MIN_GAP_MS = 16;

export const scroll: BehaviourSource = {
  start(rec, win) {
    let lastT = -Infinity;
    return listen(win, "scroll", (e) => {
      const t = eventTime(e);
      if (t - lastT < MIN_GAP_MS) return;
      lastT = t;
      rec.addScroll(t, win.scrollX, win.scrollY);
    });
  },
};
