// Window focus/blur and page visibility changes.
import { eventTime, listen, type BehaviourSource } from "../behaviour";

export const focus: BehaviourSource = {
  start(rec, win) {
    const doc = win.document;
    const offs = [
      listen(win, "blur", (e) => {
        if (e.target === win) rec.addFocus(eventTime(e), 0);
      }),
      listen(win, "focus", (e) => {
        if (e.target === win) rec.addFocus(eventTime(e), 1);
      }),
      listen(doc, "visibilitychange", (e) => rec.addFocus(eventTime(e), doc.visibilityState === "hidden" ? 2 : 3)),
    ];
    return () => offs.forEach((off) => off());
  },
};
