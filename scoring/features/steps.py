"""Pointer steps per event: how far each move went, and how it turned, event by event.

Part of the pointer group (names ``pointer.event_*``). Every other pointer feature
reads a fixed time grid, which keeps a browser's event rate out of them and lets
speed mean speed. It also lets a script hide: a loop that moves its generator one
step and sleeps a random while between steps makes the speed along the grid
uneven, which reads as a hand's corrections (docs/scoring.md, Random sleeps). Per
event, the same script is still smooth: the sleeps change when a step arrives, not
how far it goes or which way it turns. A hand on a browser's frame clock moves on
and turns by irregular amounts from one frame to the next.

* ``event_step_rough``: mean distance of each step length from the mean of its two
  neighbours, over the mean step;
* ``event_step_autocorr``: lag-1 correlation of step-length changes (a step
  sequence with white noise added alternates, near -0.5);
* ``event_turn_rough``: mean change of the turn from one step to the next (radians);
* ``event_turn``: mean absolute turn per step (radians).

Moves only, in the window the kinematics read. Headings only from steps of at least
:data:`TURN_STEP_PX`. Too few moves (:data:`MIN_MOVES`) or steps leaves them NaN.

:func:`compute` is the numpy reference; :mod:`scoring.features._kernel_fine` has
the same as a numba loop (tests compare them).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from scoring.features._grid import Array
from scoring.features._kernel_fine import (
    MIN_MOVES,
    MIN_STEPS,
    MIN_TURN_STEPS,
    REVERSAL_EPS,
    TURN_STEP_PX,
)
from scoring.features.noise import change_autocorr

__all__ = ["NAMES", "compute"]

NAMES: tuple[str, ...] = (
    "pointer.event_step_rough",
    "pointer.event_step_autocorr",
    "pointer.event_turn_rough",
    "pointer.event_turn",
)


def compute(x: Array, y: Array, kinds: npt.NDArray[np.uint8], out: Array) -> None:
    """Fill ``out`` (``NAMES`` order, NaN on entry) from a window's positions and
    event kinds (``uint8``: 0 move, 1 press, 2 release)."""
    moves = kinds == 0
    if int(np.count_nonzero(moves)) < MIN_MOVES:
        return
    dx = np.diff(x[moves])
    dy = np.diff(y[moves])
    d = np.hypot(dx, dy)
    if int(np.count_nonzero(d)) < MIN_STEPS:
        return
    mean = float(d.mean())
    out[0] = float(np.abs(d[1:-1] - 0.5 * (d[:-2] + d[2:])).mean()) / mean
    out[1] = change_autocorr(d)
    big = d >= TURN_STEP_PX
    if int(np.count_nonzero(big)) < MIN_TURN_STEPS:
        return
    bx, by = dx[big], dy[big]
    turn = np.arctan2(bx[:-1] * by[1:] - by[:-1] * bx[1:], bx[:-1] * bx[1:] + by[:-1] * by[1:])
    turn[turn < REVERSAL_EPS - math.pi] = math.pi
    turn_change = np.diff(turn)
    # The change of a turn is itself an angle: from pi - e to -pi + e is 2e.
    turn_change = np.where(turn_change > math.pi, turn_change - 2 * math.pi, turn_change)
    turn_change = np.where(turn_change < -math.pi, turn_change + 2 * math.pi, turn_change)
    out[2] = float(np.abs(turn_change).mean())
    out[3] = float(np.abs(turn).mean())
