"""Keystroke timing: hold (down to up) and flight (up to next down) statistics.

Only timing and coarse key classes arrive, never the keys. Typing tools either
send down/up pairs with zero or constant hold or paste text with no key events.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain

import numpy as np

from scoring.features._grid import Array

__all__ = ["NAMES", "extract"]

NAMES: tuple[str, ...] = (
    "keys.missing",
    "keys.count",
    "keys.hold_mean",
    "keys.hold_cv",
    "keys.hold_zero_frac",
    "keys.flight_mean",
    "keys.flight_cv",
    "keys.flight_repeat_frac",
    "keys.unpaired_frac",
    "keys.delete_frac",
)
_N = len(NAMES)


def extract(events: Sequence[tuple[float, int, int]] | None) -> Array:
    """Feature vector (``NAMES`` order) of a keys section; NaN where undefined."""
    out = np.full(_N, np.nan)
    if not events:
        out[0] = 1.0
        return out
    ev = np.fromiter(chain.from_iterable(events), np.float64, count=3 * len(events))
    ev = ev.reshape(-1, 3)
    t, kind, cls = ev[:, 0], ev[:, 1], ev[:, 2]
    out[0] = 0.0
    down = np.flatnonzero(kind == 0.0)
    out[1] = float(down.size)
    if down.size == 0:
        return out
    out[9] = float(np.count_nonzero(cls[down] == 3.0)) / down.size
    # Pair each down with the next up of the same class (keys of one class
    # rarely overlap; exact pairing would need the key itself, which we never get).
    holds: list[float] = []
    for i in down.tolist():
        later = np.flatnonzero((kind[i + 1 :] == 1.0) & (cls[i + 1 :] == cls[i]))
        if later.size:
            holds.append(float(t[i + 1 + later[0]] - t[i]))
    out[8] = 1.0 - len(holds) / down.size
    if holds:
        h = np.asarray(holds)
        hm = float(h.mean())
        out[2] = hm
        out[3] = float(h.std()) / hm if hm > 0.0 else 0.0
        out[4] = float(np.count_nonzero(h <= 1.0)) / h.size
    if down.size > 2:
        flight = np.diff(t[down])
        fm = float(flight.mean())
        out[5] = fm
        out[6] = float(flight.std()) / fm if fm > 0.0 else 0.0
        out[7] = float(np.count_nonzero(np.abs(np.diff(flight)) < 1.0)) / max(flight.size - 1, 1)
    return out
