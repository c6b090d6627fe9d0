// Mouse moves (with coalesced events where available), downs and ups.
import { eventTime, listen, type BehaviourSource } from "../behaviour";

/** Whether a pointer event is the mouse's. Touches fire pointer events too; they are
 * the touch source's, and the server's pointer model knows only mouse movement (a tap,
 * a press and a release with no movement before it, is what a script's click looks
 * like). A pen is neither, so it is left out as well. An empty type (a page's own
 * `new PointerEvent`) is kept: it claims to be a mouse. */
export const fromMouse = (e: PointerEvent): boolean => e.pointerType !== "touch" && e.pointerType !== "pen";

export const pointer: BehaviourSource = {
  start(rec, win) {
    const offs = [
      listen(win, "pointermove", (e) => {
        const pe = e as PointerEvent;
        if (!fromMouse(pe)) return;
        const list = typeof pe.getCoalescedEvents === "function" ? pe.getCoalescedEvents() : [];
        if (list.length) for (const c of list) rec.addPointer(eventTime(c), c.clientX, c.clientY, 0);
        else rec.addPointer(eventTime(pe), pe.clientX, pe.clientY, 0);
      }),
      listen(win, "pointerdown", (e) => {
        const pe = e as PointerEvent;
        if (fromMouse(pe)) rec.addPointer(eventTime(pe), pe.clientX, pe.clientY, 1);
      }),
      listen(win, "pointerup", (e) => {
        const pe = e as PointerEvent;
        if (fromMouse(pe)) rec.addPointer(eventTime(pe), pe.clientX, pe.clientY, 2);
      }),
    ];
    return () => offs.forEach((off) => off());
  },
};
