"""One recording path for humans and bots alike (training only).

The human data was captured over remote desktop, some users at ~60 Hz with a
15.6 ms Windows timer and some at ~9 Hz. If bots were recorded differently the
model would learn the recording, not the behaviour. So every bot trajectory is
first captured like one of the human users (``capture``), then humans and bots
go through the same browser-like step (``to_browser``): per-frame coalescing,
integer device pixels, a device pixel ratio, CSS pixels rounded to 0.1 and
whole milliseconds, exactly what the widget sends.
"""

from __future__ import annotations

import numpy as np

from scoring.features._grid import Array

__all__ = ["SPARSE_DT_MS", "TIMER_MS", "capture", "is_sparse", "to_browser"]

TIMER_MS = 15.625
# Typical event spacing of the sparsely captured users while moving.
SPARSE_DT_MS = (109.0, 125.0)
FRAME_MS = 1000.0 / 60.0
DPRS = (1.0, 1.0, 1.25, 1.5, 2.0)


def is_sparse(events: Array) -> bool:
    """Whether a human piece came from a ~9 Hz capture."""
    dt = np.diff(events[:, 0][events[:, 3] == 0.0])
    dt = dt[dt > 0.0]
    return bool(dt.size) and float(np.median(dt)) > 60.0


def _position_at(t: Array, x: Array, y: Array, at: Array) -> tuple[Array, Array]:
    # Step interpolation: the latest position reported by the source.
    idx = np.clip(np.searchsorted(t, at, side="right") - 1, 0, t.size - 1)
    return x[idx], y[idx]


def capture(ev: Array, sparse: bool, rng: np.random.Generator) -> Array:
    """Capture a bot's source events the way the human data set was captured."""
    moves = ev[ev[:, 3] == 0.0]
    buttons = ev[ev[:, 3] != 0.0]
    t, x, y = moves[:, 0], moves[:, 1], moves[:, 2]
    if sparse and t.size > 1:
        steps = rng.choice(SPARSE_DT_MS, size=int((t[-1] - t[0]) / 100.0) + 2)
        at = t[0] + np.concatenate(([0.0], np.cumsum(steps)))
        at = at[at < t[-1]]
        at = np.concatenate((at, t[-1:]))
        sx, sy = _position_at(t, x, y, at)
        keep = np.concatenate(([True], (np.diff(sx) != 0.0) | (np.diff(sy) != 0.0)))
        moves = np.column_stack((at, sx, sy, np.zeros_like(at)))[keep]
    out = np.concatenate((moves, buttons))
    out = out[np.argsort(out[:, 0], kind="stable")]
    phase = rng.uniform(0.0, TIMER_MS)
    out[:, 0] = np.floor((out[:, 0] + phase) / TIMER_MS) * TIMER_MS
    out[:, 1:3] = np.round(out[:, 1:3])
    out[:, 0] -= out[0, 0]
    return out


def to_browser(ev: Array, rng: np.random.Generator) -> Array:
    """The widget's view of a captured piece: ``[t, x, y, kind]`` rows, t from 0."""
    kind = ev[:, 3]
    is_move = kind == 0.0
    frame = np.floor((ev[:, 0] + rng.uniform(0.0, FRAME_MS)) / FRAME_MS)
    # Without getCoalescedEvents the page sees the last move of each frame.
    last_of_frame = np.ones(ev.shape[0], dtype=bool)
    last_of_frame[:-1] = ~((frame[:-1] == frame[1:]) & is_move[:-1] & is_move[1:])
    ev = ev[last_of_frame | ~is_move]
    dpr = float(rng.choice(DPRS))
    xy = np.round(np.round(ev[:, 1:3]) / dpr, 1)
    moved = np.ones(ev.shape[0], dtype=bool)
    moved[1:] = np.any(xy[1:] != xy[:-1], axis=1)
    keep = moved | (ev[:, 3] != 0.0)
    out: Array = np.column_stack((np.round(ev[:, 0]), xy, ev[:, 3]))[keep]
    out[:, 0] -= out[0, 0]
    return out
