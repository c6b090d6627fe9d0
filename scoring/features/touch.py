"""Touch: gesture shape and timing (mobile pointer equivalent)."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain

import numpy as np

from scoring.features._grid import Array

__all__ = ["NAMES", "extract"]

NAMES: tuple[str, ...] = (
    "touch.missing",
    "touch.count",
    "touch.starts",
    "touch.duration",
    "touch.path_len",
    "touch.straightness",
    "touch.tap_ms",
    "touch.max_points",
)
_N = len(NAMES)


def extract(events: Sequence[tuple[float, float, float, int, int]] | None) -> Array:
    """Feature vector (``NAMES`` order) of a touch section; NaN where undefined."""
    out = np.full(_N, np.nan)
    if not events:
        out[0] = 1.0
        return out
    ev = np.fromiter(chain.from_iterable(events), np.float64, count=5 * len(events))
    ev = ev.reshape(-1, 5)
    t, x, y, kind = ev[:, 0], ev[:, 1], ev[:, 2], ev[:, 3]
    out[0] = 0.0
    out[1] = float(t.size)
    starts = np.flatnonzero(kind == 1.0)
    ends = np.flatnonzero(kind == 2.0)
    out[2] = float(starts.size)
    out[3] = float(t[-1] - t[0])
    out[7] = float(ev[:, 4].max())
    if t.size > 1:
        path = float(np.hypot(np.diff(x), np.diff(y)).sum())
        out[4] = path
        disp = float(np.hypot(x[-1] - x[0], y[-1] - y[0]))
        out[5] = disp / path if path > 0.0 else np.nan
    if starts.size and ends.size:
        after = ends[ends > starts[-1]]
        if after.size:
            out[6] = float(t[after[0]] - t[starts[-1]])
    return out
