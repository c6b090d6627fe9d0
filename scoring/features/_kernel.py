"""The pointer kinematics as compiled loops (numba), when numba is installed.

Same values as the numpy implementation in :mod:`scoring.features.pointer`
(tests compare the two on random trajectories); it exists only because ~50
numpy calls of fixed overhead each cost more than the arithmetic. Without
numba (the ``fast`` extra), the numpy path runs. :func:`both_scales` does
the fine and the coarse grid in one call; :func:`compile_kernel` is shared
with :mod:`scoring.features._kernel_fine`. Numba compiles the grid constants of
:mod:`scoring.features._grid` in and its cache does not notice when they change:
after changing one, delete ``scoring/features/__pycache__/*.nb[ci]``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from scoring.features._grid import COARSE_GRID_MS, GRID_MS, HOLD_GAP_MS, Array

__all__ = [
    "AVAILABLE",
    "BACK_SPEED",
    "COARSE_SLOTS",
    "FLAT_VAR",
    "REVERSAL_EPS",
    "RISE_EPS",
    "STILL_SPEED",
    "both_scales",
    "compile_kernel",
]

# Below this speed (px/ms) a grid step counts as standing still.
STILL_SPEED = 0.02
# Backwards along the start->end line faster than this (px/ms) is a correction.
BACK_SPEED = 0.05
# Step-length changes below this (px) are rounding, not acceleration.
RISE_EPS = 1e-9
# A turn this close to -pi is a reversal, and counted as +pi: for steps that point
# exactly back, the sign of the turn is the sign of a rounding error.
REVERSAL_EPS = 1e-9
# Log-curvature spread (variance per point) below this is one curvature, seen
# through rounding: the speed-curvature slope is then 0, not a ratio of errors.
FLAT_VAR = 1e-12
# The kinematics that change with the grid (all but path shape, straightness and
# mean speed), in their ``out`` slots: measured again on the coarse grid.
COARSE_SLOTS = (7, *range(9, 26))


def _grid(t: Array, x: Array, y: Array, step: float) -> tuple[Array, Array, Array]:
    """``t``, ``x``, ``y`` on a grid of ``step`` ms, as :func:`scoring.features._grid.resample`."""
    n = t.size
    gaps = 0
    for i in range(1, n):
        if t[i] - t[i - 1] > HOLD_GAP_MS:
            gaps += 1
    tt, xx, yy = t, x, y
    m = n + gaps
    if gaps:
        tt = np.empty(m)
        xx = np.empty(m)
        yy = np.empty(m)
        j = 0
        for i in range(n):
            if i > 0 and t[i] - t[i - 1] > HOLD_GAP_MS:
                tt[j] = t[i] - step
                xx[j] = x[i - 1]
                yy[j] = y[i - 1]
                j += 1
            tt[j] = t[i]
            xx[j] = x[i]
            yy[j] = y[i]
            j += 1
    tg = np.arange(t[0], t[n - 1] + 1e-9, step)
    # np.interp's formula, but one forward walk for both coordinates: both time
    # axes are sorted, and numba's general np.interp costs more than the rest.
    g = tg.size
    xg = np.empty(g)
    yg = np.empty(g)
    j = 0
    for i in range(g):
        at = tg[i]
        while j < m - 1 and tt[j + 1] <= at:
            j += 1
        if j == m - 1 or tt[j] == at:
            xg[i] = xx[j]
            yg[i] = yy[j]
        else:
            span = tt[j + 1] - tt[j]
            xg[i] = (xx[j + 1] - xx[j]) / span * (at - tt[j]) + xx[j]
            yg[i] = (yy[j + 1] - yy[j]) / span * (at - tt[j]) + yy[j]
    return tg, xg, yg


def _kinematics(tg: Array, xg: Array, yg: Array, grid_ms: float, out: Array) -> bool:
    """Fill ``out[1:26]`` from one movement on its grid (``tg``, ``xg``, ``yg``,
    ``grid_ms`` apart); False when there is too little movement."""
    g = tg.size
    k = g - 1
    if k < 3:
        return False
    dx = np.empty(k)
    dy = np.empty(k)
    step = np.empty(k)
    path = 0.0
    imax = 0
    for i in range(k):
        dx[i] = xg[i + 1] - xg[i]
        dy[i] = yg[i + 1] - yg[i]
        step[i] = math.hypot(dx[i], dy[i])
        path += step[i]
        if step[i] > step[imax]:
            imax = i
    if path < 1.0:
        return False
    smax = step[imax]
    ex = xg[g - 1] - xg[0]
    ey = yg[g - 1] - yg[0]
    disp = math.hypot(ex, ey)
    out[1] = math.log1p(tg[g - 1] - tg[0])
    out[2] = math.log1p(path)
    out[3] = math.log1p(disp)
    out[4] = disp / path
    if disp >= 1.0:
        ux = ex / disp
        uy = ey / disp
        lat = 0.0
        far = -math.inf
        back = 0
        prev = 0.0
        for i in range(g):
            px = xg[i] - xg[0]
            py = yg[i] - yg[0]
            along = px * ux + py * uy
            perp = abs(py * ux - px * uy)
            lat = max(lat, perp)
            far = max(far, along)
            if i > 0 and along - prev < -BACK_SPEED * grid_ms:
                back += 1
            prev = along
        out[5] = lat / disp
        out[6] = max(0.0, far - disp) / disp
        out[7] = back / k
    else:
        out[5] = 0.0
        out[6] = 0.0
        out[7] = 0.0
    mean = path / k
    out[8] = mean / grid_ms
    out[9] = smax / grid_ms
    # Two-pass variances: E[x^2] - E[x]^2 cancels badly at constant speed.
    sq = 0.0
    for i in range(k):
        sq += (step[i] - mean) ** 2
    out[10] = math.sqrt(sq / k) / mean
    out[11] = imax / (k - 1)
    out[12] = (step[0] + step[1] + step[2]) / 3.0 / smax
    still = STILL_SPEED * grid_ms
    nm = 0
    last3 = 0.0
    seen = 0
    for i in range(k - 1, -1, -1):
        if step[i] > still:
            nm += 1
            if seen < 3:
                last3 += step[i]
                seen += 1
    out[13] = last3 / min(3, nm) / smax if nm else 0.0
    asum = 0.0
    jsum = 0.0
    peaks = 0
    for i in range(k - 1):
        a = step[i + 1] - step[i]
        asum += abs(a)
        if i > 0:
            jsum += abs(a - (step[i] - step[i - 1]))
            if step[i] - step[i - 1] > RISE_EPS and not a > RISE_EPS and step[i] > 0.2 * smax:
                peaks += 1
    amean = asum / (k - 1)
    out[14] = amean / smax
    if amean > 0.0:
        asq = 0.0
        for i in range(k - 1):
            asq += (abs(step[i + 1] - step[i]) - amean) ** 2
        out[15] = math.sqrt(asq / (k - 1)) / amean
        out[16] = jsum / (k - 2) / amean
    else:
        out[15] = 0.0
        out[16] = 0.0
    if nm > 2:
        tabs = 0.0
        tsum = 0.0
        turns = np.empty(nm - 1)
        straight = 0
        const = 0
        nt = nm - 1
        bent = 0
        sx = 0.0
        sy = 0.0
        sxx = 0.0
        sxy = 0.0
        pi_ = -1
        tsum_n = 0
        for i in range(k):
            if not step[i] > still:
                continue
            if pi_ >= 0:
                # turn between consecutive moving steps: arg(dz_i * conj(dz_prev))
                re = dx[i] * dx[pi_] + dy[i] * dy[pi_]
                im = dy[i] * dx[pi_] - dx[i] * dy[pi_]
                turn = math.atan2(im, re)
                if turn < REVERSAL_EPS - math.pi:
                    turn = math.pi
                at = abs(turn)
                tabs += at
                tsum += turn
                turns[tsum_n] = turn
                tsum_n += 1
                if at < 0.01:
                    straight += 1
                if abs(step[i] - step[pi_]) < 0.002 * smax:
                    const += 1
                if at > 0.02:
                    ls = math.log(step[i])
                    lc = math.log(at) - ls
                    bent += 1
                    sx += lc
                    sy += ls
                    sxx += lc * lc
                    sxy += lc * ls
            pi_ = i
        out[17] = tabs / path
        tmean = tsum / nt
        tsq = 0.0
        for i in range(nt):
            tsq += (turns[i] - tmean) ** 2
        out[18] = math.sqrt(tsq / nt)
        out[19] = abs(tsum) / tabs if tabs > 0.0 else 1.0
        out[20] = straight / nt
        out[21] = const / (nm - 1)
        if bent > 4:
            var = sxx - sx * sx / bent
            out[25] = (sxy - sx * sy / bent) / var if var > FLAT_VAR * bent else 0.0
    else:
        out[17] = 0.0
        out[18] = 0.0
        out[20] = 0.0
        out[21] = 0.0
        out[19] = 1.0
    out[22] = 1.0 - nm / k
    out[23] = float(peaks)
    rsum = 0.0
    for i in range(k - 1):
        rsum += math.hypot(dx[i + 1] - dx[i], dy[i + 1] - dy[i])
    out[24] = rsum / (k - 1) / mean
    return True


def _both_scales(t: Array, x: Array, y: Array, out: Array, at: int) -> tuple[bool, Array, Array]:
    """Kinematics on the fine grid into ``out[1:26]``, the ``COARSE_SLOTS`` of the
    coarse grid into ``out[at:]``; returns (enough movement, fine grid x, y)."""
    tg, xg, yg = _grid_jit(t, x, y, GRID_MS)
    if not _kinematics_jit(tg, xg, yg, GRID_MS, out):
        return False, xg, yg
    tc, xc, yc = _grid_jit(t, x, y, COARSE_GRID_MS)
    coarse = np.full(26, np.nan)
    if _kinematics_jit(tc, xc, yc, COARSE_GRID_MS, coarse):
        for j in range(len(COARSE_SLOTS)):
            out[at + j] = coarse[COARSE_SLOTS[j]]
    return True, xg, yg


def compile_kernel(fn: Callable[..., Any]) -> Any:
    """``fn`` compiled by numba (cached on disk), or None without numba.

    A compiled function may call others only from its own module: numba's cache
    would not notice a change in another file.
    """
    try:
        import numba
    except ImportError:
        return None
    jit: Any = numba.njit(cache=True, nogil=True, fastmath=False)
    return jit(fn)


# Compiled helpers under the names _both_scales calls.
_grid_jit = compile_kernel(_grid)
_kinematics_jit = compile_kernel(_kinematics)
both_scales: Callable[[Array, Array, Array, Array, int], tuple[bool, Array, Array]] | None = (
    compile_kernel(_both_scales)
)
AVAILABLE = both_scales is not None
