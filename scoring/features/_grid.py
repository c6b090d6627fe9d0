"""Resampling of an event stream onto a fixed time grid.

Browsers, operating systems and bot tools all deliver pointer events at
different rates (60 Hz frames, 125-1000 Hz coalesced device events, a script's
own sleep interval). Kinematics computed on raw events would mostly measure the
rate; on one fixed grid they measure the movement.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["COARSE_GRID_MS", "GRID_MS", "HOLD_GAP_MS", "Array", "CArray", "resample"]

Array = npt.NDArray[np.float64]
# Positions as x + iy: one interpolation and free rotations.
CArray = npt.NDArray[np.complex128]

GRID_MS = 20.0
# A second, coarser grid for the same kinematics: a bot's own generator (easing
# curves, Bezier sweeps) shows at this scale, under the position jitter added to
# fool the fine grid, and sparse (~9 Hz) captures are compared at their own scale.
COARSE_GRID_MS = 60.0
# No pointer event for this long means the pointer stood still: browsers only
# fire pointermove on movement, so a gap is a hold, not a slow glide. Shorter
# gaps are interpolated: part of the training data was captured at ~9 Hz.
HOLD_GAP_MS = 150.0


def resample(t: Array, z: CArray, step: float = GRID_MS) -> tuple[Array, CArray]:
    """Positions ``z = x + iy`` on a grid of ``step`` ms from ``t[0]`` to ``t[-1]``.

    Inside gaps longer than ``HOLD_GAP_MS`` the pointer holds its last position
    until one grid step before the next event.
    """
    gaps = np.flatnonzero(t[1:] - t[:-1] > HOLD_GAP_MS)
    if gaps.size:
        at = gaps + 1
        t = np.insert(t, at, t[at] - step)
        z = np.insert(z, at, z[gaps])
    tg = np.arange(t[0], t[-1] + 1e-9, step)
    return tg, np.interp(tg, t, z)
