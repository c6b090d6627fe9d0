"""The pointer kinematics as one compiled loop (numba), when numba is installed.

Same values as the numpy implementation in :mod:`scoring.features.pointer`
(tests compare the two on random trajectories); it exists only because ~50
numpy calls of fixed overhead each cost more than the arithmetic. Without
numba (the ``fast`` extra), the numpy path runs.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from scoring.features._grid import GRID_MS, HOLD_GAP_MS, Array

__all__ = ["AVAILABLE", "BACK_SPEED", "RISE_EPS", "STILL_SPEED", "kinematics"]

# Below this speed (px/ms) a grid step counts as standing still.
STILL_SPEED = 0.02
# Backwards along the start->end line faster than this (px/ms) is a correction.
BACK_SPEED = 0.05
# Step-length changes below this (px) are rounding, not acceleration.
RISE_EPS = 1e-9


def _kinematics(t: Array, x: Array, y: Array, out: Array) -> bool:
    """Fill ``out[1:26]`` from one movement; False when there is too little movement."""
    n = t.size
    gaps = 0
    for i in range(1, n):
        if t[i] - t[i - 1] > HOLD_GAP_MS:
            gaps += 1
    m = n + gaps
    tt = np.empty(m)
    xx = np.empty(m)
    yy = np.empty(m)
    j = 0
    for i in range(n):
        if i > 0 and t[i] - t[i - 1] > HOLD_GAP_MS:
            tt[j] = t[i] - GRID_MS
            xx[j] = x[i - 1]
            yy[j] = y[i - 1]
            j += 1
        tt[j] = t[i]
        xx[j] = x[i]
        yy[j] = y[i]
        j += 1
    tg = np.arange(t[0], t[n - 1] + 1e-9, GRID_MS)
    xg = np.interp(tg, tt, xx)
    yg = np.interp(tg, tt, yy)
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
            if i > 0 and along - prev < -BACK_SPEED * GRID_MS:
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
    out[8] = mean / GRID_MS
    out[9] = smax / GRID_MS
    # Two-pass variances: E[x^2] - E[x]^2 cancels badly at constant speed.
    sq = 0.0
    for i in range(k):
        sq += (step[i] - mean) ** 2
    out[10] = math.sqrt(sq / k) / mean
    out[11] = imax / (k - 1)
    out[12] = (step[0] + step[1] + step[2]) / 3.0 / smax
    still = STILL_SPEED * GRID_MS
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
            out[25] = (sxy - sx * sy / bent) / var if var > 0.0 else 0.0
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


def _compile() -> Callable[[Array, Array, Array, Array], bool] | None:
    try:
        import numba
    except ImportError:
        return None
    jit: Any = numba.njit(cache=True, nogil=True, fastmath=False)
    compiled: Callable[[Array, Array, Array, Array], bool] = jit(_kinematics)
    return compiled


kinematics = _compile()
AVAILABLE = kinematics is not None
