"""Keystroke timing: hold (down to up) and flight (up to next down) statistics.

Only timing and coarse key classes arrive, never the keys. Typing tools either
send down/up pairs with zero or constant hold or paste text with no key events.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise

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


def _mean_cv(v: list[float]) -> tuple[float, float]:
    m = sum(v) / len(v)
    if m <= 0.0:
        return m, 0.0
    return m, math.sqrt(sum((x - m) ** 2 for x in v) / len(v)) / m


def extract(events: Sequence[tuple[float, int, int]] | None) -> Array:
    """Feature vector (``NAMES`` order) of a keys section; NaN where undefined.

    Plain Python: key sections are short, and per-event numpy calls would cost
    more than the loop.
    """
    out = np.full(_N, np.nan)
    if not events:
        out[0] = 1.0
        return out
    out[0] = 0.0
    downs: list[float] = []
    deletes = 0
    # Pair each down with the next up of the same class (keys of one class
    # rarely overlap; exact pairing would need the key itself, which we never get).
    open_downs: dict[int, list[float]] = {}
    holds: list[float] = []
    for t, kind, cls in events:
        if kind == 0:
            downs.append(t)
            deletes += cls == 3
            open_downs.setdefault(cls, []).append(t)
        else:
            pending = open_downs.get(cls)
            if pending:
                holds.append(t - pending.pop(0))
    n = len(downs)
    out[1] = float(n)
    if n == 0:
        return out
    out[9] = deletes / n
    out[8] = 1.0 - len(holds) / n
    if holds:
        out[2], out[3] = _mean_cv(holds)
        out[4] = sum(1 for h in holds if h <= 1.0) / len(holds)
    if n > 2:
        flight = [b - a for a, b in pairwise(downs)]
        out[5], out[6] = _mean_cv(flight)
        same = sum(1 for a, b in pairwise(flight) if abs(b - a) < 1.0)
        out[7] = same / max(len(flight) - 1, 1)
    return out
