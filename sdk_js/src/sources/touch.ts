// Touch start/move/end/cancel with the number of active touch points.
import { eventTime, listen, type BehaviourSource } from "../behaviour";

const KINDS = { touchmove: 0, touchstart: 1, touchend: 2, touchcancel: 3 } as const;

export const touch: BehaviourSource = {
  start(rec, win) {
    const offs = (Object.keys(KINDS) as (keyof typeof KINDS)[]).map((type) =>
      listen(win, type, (e) => {
        const te = e as TouchEvent;
        const p = te.changedTouches?.[0];
        rec.addTouch(eventTime(te), p?.clientX ?? 0, p?.clientY ?? 0, KINDS[type], te.touches?.length ?? 0);
      }),
    );
    return () => offs.forEach((off) => off());
  },
};
