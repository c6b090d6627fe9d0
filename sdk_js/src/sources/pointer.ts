// Pointer moves (with coalesced events where available), downs and ups.
import { eventTime, listen, type BehaviourSource } from "../behaviour";

export const pointer: BehaviourSource = {
  start(rec, win) {
    const offs = [
      listen(win, "pointermove", (e) => {
        const pe = e as PointerEvent;
        const list = typeof pe.getCoalescedEvents === "function" ? pe.getCoalescedEvents() : [];
        if (list.length) for (const c of list) rec.addPointer(eventTime(c), c.clientX, c.clientY, 0);
        else rec.addPointer(eventTime(pe), pe.clientX, pe.clientY, 0);
      }),
      listen(win, "pointerdown", (e) => {
        const pe = e as PointerEvent;
        rec.addPointer(eventTime(pe), pe.clientX, pe.clientY, 1);
      }),
      listen(win, "pointerup", (e) => {
        const pe = e as PointerEvent;
        rec.addPointer(eventTime(pe), pe.clientX, pe.clientY, 2);
      }),
    ];
    return () => offs.forEach((off) => off());
  },
};
