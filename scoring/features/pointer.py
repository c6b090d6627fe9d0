"""Pointer kinematics: the movement towards the widget and the click on it.

The analysed window is the last ``WINDOW_MS`` of the section (the widget keeps
everything since page load; what matters is the approach and the click). The
movement part runs from the window start to the last button press, or to the
last event when there was no press. Kinematics are computed on a fixed time
grid (see :mod:`scoring.features._grid`), so the event rate of the browser or
of a bot's loop does not leak into them.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain

import numpy as np

from scoring.features._grid import GRID_MS, Array, resample

__all__ = ["NAMES", "WINDOW_MS", "extract", "extract_array"]

WINDOW_MS = 6000.0
# Below this speed (px/ms) a grid step counts as standing still.
STILL_SPEED = 0.02
# A still stretch this long (in grid steps) counts as a pause.
PAUSE_STEPS = 5

NAMES: tuple[str, ...] = (
    "pointer.missing",
    "pointer.duration",
    "pointer.path_len",
    "pointer.displacement",
    "pointer.straightness",
    "pointer.lateral_dev",
    "pointer.line_crossings",
    "pointer.speed_mean",
    "pointer.speed_max",
    "pointer.speed_cv",
    "pointer.peak_time_frac",
    "pointer.start_speed",
    "pointer.end_speed",
    "pointer.accel_mean",
    "pointer.accel_cv",
    "pointer.jerk_ratio",
    "pointer.curvature",
    "pointer.heading_std",
    "pointer.turn_sign_changes",
    "pointer.straight_frac",
    "pointer.const_speed_frac",
    "pointer.pause_frac",
    "pointer.pauses",
    "pointer.submovements",
    "pointer.reversals",
    "pointer.overshoot",
    "pointer.end_dwell",
    "pointer.hold",
    "pointer.press_move",
    "pointer.smooth_resid",
)
_N = len(NAMES)


def _missing() -> Array:
    out = np.full(_N, np.nan)
    out[0] = 1.0
    return out


def extract(events: Sequence[tuple[float, float, float, int]] | None) -> Array:
    """Feature vector (``NAMES`` order) of a pointer section; NaN where undefined."""
    if not events:
        return _missing()
    flat = np.fromiter(chain.from_iterable(events), np.float64, count=4 * len(events))
    return extract_array(flat.reshape(-1, 4))


def _sign_changes(v: Array) -> float:
    s = v[v != 0.0] > 0.0
    return float(np.count_nonzero(s[1:] != s[:-1]))


def _cv(v: Array) -> float:
    """Coefficient of variation (plain sums: np.std costs several calls)."""
    m = float(v.sum()) / v.size
    if m <= 0.0:
        return 0.0
    d = v - m
    return float(np.sqrt(np.dot(d, d) / v.size)) / m


def extract_array(ev: Array) -> Array:
    """Like :func:`extract`, from an ``(n, 4)`` array of ``[t, x, y, kind]`` rows."""
    if ev.shape[0] == 0:
        return _missing()
    out = np.full(_N, np.nan)
    out[0] = 0.0
    t_all = ev[:, 0]
    ev = ev[t_all >= t_all[-1] - WINDOW_MS]
    t, x, y, kind = ev[:, 0], ev[:, 1], ev[:, 2], ev[:, 3]

    downs = np.flatnonzero(kind == 1.0)
    press = int(downs[-1]) if downs.size else -1
    if press >= 0:
        ups = np.flatnonzero(kind[press:] == 2.0)
        if ups.size:
            release = press + int(ups[0])
            out[27] = np.log1p(t[release] - t[press])
            out[28] = float(np.hypot(x[release] - x[press], y[release] - y[press]))
        moves_before = np.flatnonzero(kind[:press] == 0.0)
        if moves_before.size:
            last_move = int(moves_before[-1])
            out[26] = np.log1p(t[press] - t[last_move])
            # The dwell before the press is end_dwell, not part of the movement,
            # unless the press lands somewhere else (a teleporting click).
            same = x[press] == x[last_move] and y[press] == y[last_move]
            end = last_move + 1 if same else press + 1
        else:
            end = press + 1
    else:
        end = t.size
    t, x, y = t[:end], x[:end], y[:end]
    if t.size < 2 or t[-1] - t[0] < 2 * GRID_MS:
        return out
    tg, xg, yg = resample(t, x, y)
    dx, dy = xg[1:] - xg[:-1], yg[1:] - yg[:-1]
    step = np.hypot(dx, dy)
    path = float(step.sum())
    if tg.size < 4 or path < 1.0:
        out[1] = np.log1p(t[-1] - t[0])
        return out
    _kinematics(out, tg, xg, yg, dx, dy, step, path)
    return out


def _kinematics(
    out: Array, tg: Array, xg: Array, yg: Array, dx: Array, dy: Array, step: Array, path: float
) -> None:
    duration = float(tg[-1] - tg[0])
    ex, ey = float(xg[-1] - xg[0]), float(yg[-1] - yg[0])
    disp = float(np.hypot(ex, ey))
    speed = step * (1.0 / GRID_MS)
    n = speed.size
    imax = int(np.argmax(speed))
    vmax = float(speed[imax])
    vmean = path / GRID_MS / n
    out[1] = np.log1p(duration)
    out[2] = np.log1p(path)
    out[3] = np.log1p(disp)
    out[4] = disp / path
    if disp >= 1.0:
        ux, uy = ex / disp, ey / disp
        px, py = xg - xg[0], yg - yg[0]
        perp = px * uy - py * ux
        aperp = np.abs(perp)
        out[5] = float(aperp.max()) / disp
        out[6] = _sign_changes(perp[aperp > 1.0])
        out[25] = max(0.0, float((px * ux + py * uy).max()) - disp) / disp
    else:
        out[5] = out[6] = out[25] = 0.0
    out[7] = vmean
    out[8] = vmax
    out[9] = _cv(speed)
    out[10] = imax / max(n - 1, 1)
    out[11] = float(speed[:3].sum()) / 3.0 / vmax
    moving = speed > STILL_SPEED
    mv = np.flatnonzero(moving)
    vm = speed[mv]
    out[12] = float(vm[-3:].sum()) / min(3, vm.size) / vmax if vm.size else 0.0
    acc = speed[1:] - speed[:-1]
    aabs = np.abs(acc)
    amean = float(aabs.sum()) / aabs.size
    out[13] = amean / vmax
    out[14] = _cv(aabs)
    if amean > 0.0 and n > 3:
        out[15] = float(np.abs(acc[1:] - acc[:-1]).sum()) / (n - 2) / amean
    else:
        out[15] = 0.0
    if mv.size > 3:
        heading = np.arctan2(dy[mv], dx[mv])
        turn = (heading[1:] - heading[:-1] + np.pi) % (2 * np.pi) - np.pi
        aturn = np.abs(turn)
        out[16] = float(aturn.sum()) / path
        tm = float(turn.sum()) / turn.size
        td = turn - tm
        out[17] = float(np.sqrt(np.dot(td, td) / turn.size))
        out[18] = _sign_changes(turn[aturn > 0.02]) / turn.size
        out[19] = float(np.count_nonzero(aturn < 0.01)) / turn.size
        out[20] = float(np.count_nonzero(np.abs(vm[1:] - vm[:-1]) < 0.002 * vmax)) / (vm.size - 1)
    else:
        out[16] = out[17] = out[18] = out[19] = out[20] = 0.0
    out[21] = 1.0 - mv.size / n
    # Still runs: edges of the "moving" mask delimit them.
    padded = np.concatenate(([True], moving, [True]))
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    out[22] = float(np.count_nonzero(edges[1::2] - edges[0::2] >= PAUSE_STEPS))
    mid = speed[1:-1]
    peaks = (mid > speed[:-2]) & (mid >= speed[2:]) & (mid > 0.2 * vmax)
    out[23] = float(np.count_nonzero(peaks))
    thr = 0.05 * GRID_MS
    out[24] = _sign_changes(dx[np.abs(dx) > thr]) + _sign_changes(dy[np.abs(dy) > thr])
    ddx, ddy = dx[1:] - dx[:-1], dy[1:] - dy[:-1]
    out[29] = float(np.sqrt(ddx * ddx + ddy * ddy).sum()) / (n - 1) / (path / n)
