"""Recombined bots (training only): one family's path driven by another family's timing.

A bot author picks a path generator (a Bezier curve, WindMouse, a recorded human
path) and, separately, how to move along it in time (an easing, a fixed sleep
per point, a minimum-jerk profile). The families in :mod:`scoring.botgen.families`
each come as one such pair; trained on those pairs alone the model learns their
combinations, and a tool pairing a curved path with an eased timing (pyclick)
lands where no training bot was and scores as human. :func:`compose` makes the
other pairs. Training adds them; evaluation never does, and a model that holds a
family out also leaves out every recombination using it.
"""

from __future__ import annotations

import numpy as np

from scoring.features._grid import Array

__all__ = ["MIX_SEP", "compose", "mix_label", "mix_parts"]

# Separates the path family and the timing family in a recombined bot's label.
MIX_SEP = "+"


def mix_label(path_family: str, timing_family: str) -> str:
    """Family label of a recombined bot, e.g. ``windmouse+tween``."""
    return f"{path_family}{MIX_SEP}{timing_family}"


def mix_parts(label: str) -> tuple[str, ...]:
    """The families a label is built from: one for a plain family, two for a recombination."""
    return tuple(label.split(MIX_SEP))


def _arc(ev: Array) -> tuple[Array, Array]:
    """Moves of source events and their cumulative path length from the first."""
    moves = ev[ev[:, 3] == 0.0]
    z = moves[:, 1] + 1j * moves[:, 2]
    return moves, np.concatenate(([0.0], np.cumsum(np.abs(np.diff(z)))))


def compose(path_ev: Array, timing_ev: Array) -> Array:
    """Source events moving along ``path_ev``'s path with ``timing_ev``'s timing.

    At each move of ``timing_ev`` the pointer has covered the same share of the
    other path as the timing bot had of its own; press and release keep the
    timing bot's times and land where the path ends. Positions stay whole device
    pixels like every generator's. A path or timing without length gives
    ``path_ev`` unchanged.
    """
    pm, ps = _arc(path_ev)
    tm, ts = _arc(timing_ev)
    if ps[-1] <= 0.0 or ts[-1] <= 0.0:
        return path_ev
    at = ts * (ps[-1] / ts[-1])
    x = np.round(np.interp(at, ps, pm[:, 1]))
    y = np.round(np.interp(at, ps, pm[:, 2]))
    moves = np.column_stack((tm[:, 0], x, y, np.zeros(tm.shape[0])))
    tail = timing_ev[timing_ev[:, 3] != 0.0].copy()
    tail[:, 1] = x[-1]
    tail[:, 2] = y[-1]
    out: Array = np.vstack((moves, tail))
    return out
