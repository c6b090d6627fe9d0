"""The shape, noise and per-event step features (:mod:`scoring.features.shape`,
:mod:`scoring.features.noise`, :mod:`scoring.features.steps`) as compiled loops
(numba), when numba is installed.

Same values as the numpy code in those modules (tests compare them on random
trajectories). :func:`fine` fills the first two groups in one call from the 20 ms
grid that :func:`scoring.features._kernel.both_scales` returns; :func:`steps` reads
the events themselves. Numba caches this
module on disk as a whole: its functions only call each other (a cached
function calling one from another file would not be recompiled when that file
changes).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from scoring.features._grid import Array
from scoring.features._kernel import compile_kernel

__all__ = [
    "DEGREE",
    "FLAT_SSQ",
    "HALF",
    "MIN_MOVES",
    "MIN_STEPS",
    "MIN_TURN_STEPS",
    "MOVING_STEP",
    "NOISE_FLOOR",
    "PEAK_SHARE",
    "REVERSAL_EPS",
    "RISE_EPS",
    "TURN_STEP_PX",
    "fine",
    "steps",
]

# The constants of both groups live here, next to the loops that numba compiles
# them into: its cache would keep an old value of a constant imported from
# another file. The numpy modules import them from here.

# Step-length changes below this (px) are rounding, not acceleration.
RISE_EPS = 1e-9
# Sums of squares below this per sample (RMS 0.001 px) are rounding error: a fit
# of them is perfect and a correlation of them 0, whatever the last bits say.
FLAT_SSQ = 1e-6
# A speed peak counts above this share of the (smoothed) top speed; the main
# peak's acceleration phase starts, and its deceleration phase ends, below it.
PEAK_SHARE = 0.1
# Degree of the smooth fits: an easing curve or a cubic Bezier, with room to spare.
DEGREE = 4
# Half the path: a tolerance so that exact ties (constant speed) fall the same
# way whatever the summation order.
HALF = 0.5 - 1e-9
# Smoothed speed (px per grid step) above which the residual is split into
# along-path and sideways parts; below it the pointer is nearly still.
MOVING_STEP = 0.2
# Added to both parts before their log ratio: rounding to 0.1 CSS px is not noise.
NOISE_FLOOR = 0.05

# The per-event steps (scoring.features.steps).
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


def _fit_loop(y: Array, q: Array) -> tuple[float, float]:
    n = y.size
    mean = 0.0
    for i in range(n):
        mean += y[i]
    mean /= n
    r = np.empty(n)
    sst = 0.0
    for i in range(n):
        r[i] = y[i] - mean
        sst += r[i] * r[i]
    for m in range(1, DEGREE + 1):
        c = 0.0
        for i in range(n):
            c += q[m, i] * y[i]
        for i in range(n):
            r[i] -= c * q[m, i]
    sse = 0.0
    for i in range(n):
        sse += r[i] * r[i]
    return (1.0 - sse / sst if sst > FLAT_SSQ * n else 1.0), math.sqrt(sse / n)


def _shape(xg: Array, yg: Array, dx: Array, dy: Array, step: Array, q: Array, out: Array) -> None:
    g = xg.size
    k = g - 1
    path = 0.0
    for i in range(k):
        path += step[i]
    sp = step.copy()
    for i in range(1, k - 1):
        sp[i] = 0.25 * step[i - 1] + 0.5 * step[i] + 0.25 * step[i + 1]
    ip = 0
    for i in range(k):
        if sp[i] > sp[ip]:
            ip = i
    smax = sp[ip]
    peaks = 0
    for i in range(1, k - 1):
        rise_in = sp[i] - sp[i - 1] > RISE_EPS
        rise_out = sp[i + 1] - sp[i] > RISE_EPS
        if rise_in and not rise_out and sp[i] > PEAK_SHARE * smax:
            peaks += 1
    out[0] = peaks / (path / 100.0)
    s0 = 0
    for i in range(ip - 1, -1, -1):
        if sp[i] < PEAK_SHARE * smax:
            s0 = i
            break
    e0 = k - 1
    for i in range(ip, k):
        if sp[i] < PEAK_SHARE * smax:
            e0 = i
            break
    out[1] = (ip - s0) / max(e0 - s0, 1)
    mu = 0.0
    for i in range(k):
        mu += step[i] / path * i
    var = 0.0
    for i in range(k):
        var += step[i] / path * (i - mu) ** 2
    sd = math.sqrt(var)
    skew = 0.0
    if sd > 0.0:
        for i in range(k):
            skew += step[i] / path * ((i - mu) / sd) ** 3
    out[2] = skew
    half = k
    cum = 0.0
    for i in range(k):
        cum += step[i]
        if cum >= HALF * path:
            half = i
            break
    out[3] = half / k
    out[4] = float(peaks)
    if q.shape[1] != k:  # no fit below DEGREE + 3 steps (and never out of bounds)
        for j in range(5):
            out[5 + j] = np.nan
        return
    r2, rms = _fit_jit(step, q)
    out[5] = r2
    out[6] = rms / (path / k)
    ex = xg[g - 1] - xg[0]
    ey = yg[g - 1] - yg[0]
    disp = math.hypot(ex, ey)
    if disp < 1.0:
        for j in range(3):
            out[7 + j] = np.nan
        return
    lateral = np.empty(k)
    prev = 0.0
    for i in range(g):
        here = (yg[i] - yg[0]) * (ex / disp) - (xg[i] - xg[0]) * (ey / disp)
        if i > 0:
            lateral[i - 1] = 0.5 * (prev + here)
        prev = here
    r2, rms = _fit_jit(lateral, q)
    out[7] = r2
    out[8] = rms / disp
    out[9] = rms


def _noise(xg: Array, yg: Array, dx: Array, dy: Array, step: Array, out: Array) -> None:
    for i in range(out.size):
        out[i] = np.nan
    g = xg.size
    k = g - 1
    if g >= 8:
        # Two smoothing passes, ends kept.
        ax = xg.copy()
        ay = yg.copy()
        bx = xg.copy()
        by = yg.copy()
        for i in range(1, g - 1):
            ax[i] = 0.25 * xg[i - 1] + 0.5 * xg[i] + 0.25 * xg[i + 1]
            ay[i] = 0.25 * yg[i - 1] + 0.5 * yg[i] + 0.25 * yg[i + 1]
        for i in range(1, g - 1):
            bx[i] = 0.25 * ax[i - 1] + 0.5 * ax[i] + 0.25 * ax[i + 1]
            by[i] = 0.25 * ay[i - 1] + 0.5 * ay[i] + 0.25 * ay[i + 1]
        res = np.empty(g)
        spd = np.empty(g)
        n_ok = 0
        sa = 0.0
        sc = 0.0
        sum_a = 0.0
        sum_b = 0.0
        n_still = 0
        s_still = 0.0
        for i in range(2, g - 2):
            vx = (bx[i + 1] - bx[i - 1]) / 2.0
            vy = (by[i + 1] - by[i - 1]) / 2.0
            sp = math.sqrt(vx * vx + vy * vy)
            rx = xg[i] - bx[i]
            ry = yg[i] - by[i]
            if sp > MOVING_STEP:
                ux = vx / sp
                uy = vy / sp
                along = rx * ux + ry * uy
                cross = ry * ux - rx * uy
                sa += along * along
                sc += cross * cross
                res[n_ok] = math.sqrt(rx * rx + ry * ry)
                spd[n_ok] = sp
                sum_a += res[n_ok]
                sum_b += sp
                n_ok += 1
            else:
                s_still += rx * rx + ry * ry
                n_still += 1
        if n_ok >= 4:
            along = math.sqrt(sa / n_ok)
            cross = math.sqrt(sc / n_ok)
            out[0] = math.log((cross + NOISE_FLOOR) / (along + NOISE_FLOOR))
            ma = sum_a / n_ok
            mb = sum_b / n_ok
            sab = 0.0
            saa = 0.0
            sbb = 0.0
            for i in range(n_ok):
                da = res[i] - ma
                db = spd[i] - mb
                sab += da * db
                saa += da * da
                sbb += db * db
            flat = FLAT_SSQ * n_ok
            out[1] = sab / math.sqrt(saa * sbb) if min(saa, sbb) > flat else 0.0
            out[2] = math.sqrt(s_still / n_still) if n_still >= 3 else 0.0
            out[3] = (along + cross) / mb
            out[4] = along / mb
    if k >= 6:
        num = 0.0
        den = 0.0
        for i in range(k - 1):
            ax_ = dx[i + 1] - dx[i]
            ay_ = dy[i + 1] - dy[i]
            den += ax_ * ax_ + ay_ * ay_
            if i > 0:
                num += ax_ * (dx[i] - dx[i - 1]) + ay_ * (dy[i] - dy[i - 1])
        out[5] = num / den if den > FLAT_SSQ * (k - 1) else 0.0
        out[6] = _change_autocorr_jit(step, k)


def _change_autocorr(v: Array, n: int) -> float:
    """Lag-1 correlation of the changes of ``v[:n]`` (0 when they are rounding)."""
    num = 0.0
    den = 0.0
    for i in range(n - 1):
        d = v[i + 1] - v[i]
        den += d * d
        if i > 0:
            num += d * (v[i] - v[i - 1])
    return num / den if den > FLAT_SSQ * (n - 1) else 0.0


def _fine(xg: Array, yg: Array, q: Array, out: Array, at: int, noise_at: int, end: int) -> None:
    """Shape features into ``out[at:noise_at]``, fine structure into ``out[noise_at:end]``."""
    # Offsets rather than views of ``out``: a view made in Python costs more than
    # the loops it would save. Steps are computed once for both groups.
    k = xg.size - 1
    dx = np.empty(k)
    dy = np.empty(k)
    step = np.empty(k)
    for i in range(k):
        dx[i] = xg[i + 1] - xg[i]
        dy[i] = yg[i + 1] - yg[i]
        step[i] = math.hypot(dx[i], dy[i])
    _shape_jit(xg, yg, dx, dy, step, q, out[at:noise_at])
    _noise_jit(xg, yg, dx, dy, step, out[noise_at:end])


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
    out[at + 1] = _change_autocorr_jit(d, k)
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


# Compiled helpers under the names the loops call (numba resolves them when it
# compiles the callers).
_fit_jit = compile_kernel(_fit_loop)
_shape_jit = compile_kernel(_shape)
_noise_jit = compile_kernel(_noise)
_change_autocorr_jit = compile_kernel(_change_autocorr)
fine: Callable[[Array, Array, Array, Array, int, int, int], None] | None = compile_kernel(_fine)
steps: Callable[[Array, Array, npt.NDArray[np.uint8], Array, int], None] | None = compile_kernel(
    _steps
)
