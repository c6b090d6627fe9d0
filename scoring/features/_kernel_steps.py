"""The per-event step features (:mod:`scoring.features.steps`) as a compiled loop
(numba), when numba is installed.

Same values as the numpy code in that module (tests compare them on random
sections). The constants live here, next to the loop numba compiles them into: its
cache would keep an old value of a constant imported from another file.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from scoring.features._grid import Array
from scoring.features._kernel import compile_kernel

__all__ = [
    "FLAT_SSQ",
    "MIN_MOVES",
    "MIN_STEPS",
    "MIN_TURN_STEPS",
    "REVERSAL_EPS",
    "TURN_STEP_PX",
    "steps",
]

# Fewer moves than this in the window: no per-event statistic is read.
MIN_MOVES = 6
# Steps that moved at all (the widget drops repeated positions; a script may not).
MIN_STEPS = 5
# Headings are read from steps of at least this many px: below it the 0.1 px
# rounding of CSS pixels turns the direction at random.
TURN_STEP_PX = 1.0
MIN_TURN_STEPS = 4
# A turn this close to -pi is a reversal, and counted as +pi: for steps that point
# exactly back, the sign of the turn is the sign of a rounding error (the grid
# kinematics' constant of the same name in scoring.features._kernel).
REVERSAL_EPS = 1e-9
# Sums of squares below this per sample are rounding: a correlation of them is 0.
FLAT_SSQ = 1e-6


def _steps(x: Array, y: Array, kinds: npt.NDArray[np.uint8], out: Array, at: int) -> None:
    """The features into ``out[at:at + 4]`` (left as they are when too few moves)."""
    n = 0
    for i in range(kinds.size):
        if kinds[i] == 0:
            n += 1
    if n < MIN_MOVES:
        return
    mx = np.empty(n)
    my = np.empty(n)
    j = 0
    for i in range(kinds.size):
        if kinds[i] == 0:
            mx[j] = x[i]
            my[j] = y[i]
            j += 1
    k = n - 1
    dx = np.empty(k)
    dy = np.empty(k)
    d = np.empty(k)
    total = 0.0
    moved = 0
    big = 0
    for i in range(k):
        dx[i] = mx[i + 1] - mx[i]
        dy[i] = my[i + 1] - my[i]
        d[i] = math.hypot(dx[i], dy[i])
        total += d[i]
        if d[i] > 0.0:
            moved += 1
        if d[i] >= TURN_STEP_PX:
            big += 1
    if moved < MIN_STEPS:
        return
    mean = total / k
    rough = 0.0
    for i in range(1, k - 1):
        rough += abs(d[i] - 0.5 * (d[i - 1] + d[i + 1]))
    out[at] = rough / (k - 2) / mean
    num = 0.0
    den = 0.0
    for i in range(k - 1):
        c = d[i + 1] - d[i]
        den += c * c
        if i > 0:
            num += c * (d[i] - d[i - 1])
    out[at + 1] = num / den if den > FLAT_SSQ * (k - 1) else 0.0
    if big < MIN_TURN_STEPS:
        return
    turn = np.empty(big - 1)
    px = 0.0
    py = 0.0
    seen = 0
    for i in range(k):
        if d[i] >= TURN_STEP_PX:
            if seen:
                a = math.atan2(px * dy[i] - py * dx[i], px * dx[i] + py * dy[i])
                turn[seen - 1] = math.pi if a < REVERSAL_EPS - math.pi else a
            px = dx[i]
            py = dy[i]
            seen += 1
    change = 0.0
    size = 0.0
    for i in range(big - 1):
        size += abs(turn[i])
        if i > 0:
            # The change of a turn, itself an angle: from pi - e to -pi + e is 2e.
            c = turn[i] - turn[i - 1]
            if c > math.pi:
                c -= 2.0 * math.pi
            elif c < -math.pi:
                c += 2.0 * math.pi
            change += abs(c)
    out[at + 2] = change / (big - 2)
    out[at + 3] = size / (big - 1)


steps: Callable[[Array, Array, npt.NDArray[np.uint8], Array, int], None] | None = compile_kernel(
    _steps
)
