"""Scrolling: step sizes and timing of page offset changes."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain

import numpy as np

from scoring.features._grid import Array

__all__ = ["NAMES", "extract"]

NAMES: tuple[str, ...] = (
    "scroll.missing",
    "scroll.count",
    "scroll.distance",
    "scroll.step_cv",
    "scroll.dt_cv",
    "scroll.jump_frac",
)
_N = len(NAMES)
# One scroll event moving this far (CSS px) is a programmatic jump, not a wheel.
JUMP_PX = 1500.0


def extract(events: Sequence[tuple[float, float, float]] | None) -> Array:
    """Feature vector (``NAMES`` order) of a scroll section; NaN where undefined."""
    out = np.full(_N, np.nan)
    if not events:
        out[0] = 1.0
        return out
    ev = np.fromiter(chain.from_iterable(events), np.float64, count=3 * len(events))
    ev = ev.reshape(-1, 3)
    out[0] = 0.0
    out[1] = float(ev.shape[0])
    if ev.shape[0] < 2:
        return out
    step = np.hypot(np.diff(ev[:, 1]), np.diff(ev[:, 2]))
    dt = np.diff(ev[:, 0])
    out[2] = float(step.sum())
    sm = float(step.mean())
    out[3] = float(step.std()) / sm if sm > 0.0 else 0.0
    dm = float(dt.mean())
    out[4] = float(dt.std()) / dm if dm > 0.0 else 0.0
    out[5] = float(np.count_nonzero(step >= JUMP_PX)) / step.size
    return out
