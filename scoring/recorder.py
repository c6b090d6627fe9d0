"""One recording path for humans and bots alike (training only).

The human data was captured over remote desktop, some users at ~60 Hz with a
15.6 ms Windows timer and some at ~9 Hz. If bots were recorded differently the
model would learn the recording, not the behaviour. So every bot trajectory is
first captured like one of the human users (``capture``), then humans and bots
go through the same browser-like step (``to_browser``): per-frame coalescing,
integer device pixels, a device pixel ratio, CSS pixels rounded to 0.1 and
whole milliseconds, exactly what the widget sends.

The ~9 Hz capture is a throttle copied from the recordings themselves (five training
users): a move goes out when it comes about 100 ms after the last one sent (6-9 timer
ticks apart, 7 most often, as recorded), and a button event sends the position the
throttle held back, so the press lands at the time of the last move in two thirds of
the pieces, as recorded. An earlier capture (every 7 or 8 ticks, no
position with the button) gave bots a tell people lacked: a held-out 60 Hz person
captured that way was flagged 16 times as often as recorded (docs/scoring.md).
"""

from __future__ import annotations

import numpy as np

from scoring.features._grid import Array

__all__ = ["THROTTLE_MS", "TIMER_MS", "capture", "is_sparse", "to_browser"]

TIMER_MS = 15.625
# The sparse users' client sent the pointer at most about every 100 ms: a move
# goes out when it comes at least this long after the last one sent.
THROTTLE_MS = (88.0, 112.0)
FRAME_MS = 1000.0 / 60.0
DPRS = (1.0, 1.0, 1.25, 1.5, 2.0)


def is_sparse(events: Array) -> bool:
    """Whether a human piece came from a ~9 Hz capture."""
    dt = np.diff(events[:, 0][events[:, 3] == 0.0])
    dt = dt[dt > 0.0]
    return bool(dt.size) and float(np.median(dt)) > 60.0


def _throttled(moves: Array, button_times: Array, rng: np.random.Generator) -> Array:
    """The moves a throttling client sends: the first, then each that comes at least
    a throttle interval after the last one sent; a button event first sends the
    position it happens at, if that was not sent yet (the pointer came to rest
    within the interval: no later move would carry it)."""
    t = moves[:, 0]
    sent: list[tuple[float, int]] = []
    last = -np.inf
    gaps = rng.uniform(*THROTTLE_MS, size=t.size)
    for i, te in enumerate(t.tolist()):
        if te - last >= gaps[len(sent)]:
            sent.append((te, i))
            last = te
    for tb in button_times.tolist():
        i = int(np.searchsorted(t, tb, side="right")) - 1
        before = [k for at, k in sent if at <= tb]
        if i >= 0 and before and before[-1] != i:
            sent.append((tb, i))
    sent.sort()
    rows = moves[[k for _, k in sent]].copy()
    rows[:, 0] = [at for at, _ in sent]
    keep = np.ones(rows.shape[0], dtype=bool)
    keep[1:] = np.any(rows[1:, 1:3] != rows[:-1, 1:3], axis=1)
    out: Array = rows[keep]
    return out


def capture(ev: Array, sparse: bool, rng: np.random.Generator) -> Array:
    """Capture a bot's source events the way the human data set was captured."""
    moves = ev[ev[:, 3] == 0.0]
    buttons = ev[ev[:, 3] != 0.0]
    if sparse and moves.shape[0] > 1:
        moves = _throttled(moves, buttons[:, 0], rng)
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
