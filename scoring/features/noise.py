"""Pointer fine structure: what is left after smoothing the path.

Part of the pointer group (names ``pointer.*``), on the 20 ms grid. A hand's small
irregularities come from the movement itself: speed fluctuations along the path
that grow with speed, and smooth (positively correlated) acceleration. Noise a
bot adds to look human is usually white position jitter: as large sideways as
along the path, as large when still as when moving, and it makes acceleration
alternate in sign (lag-1 correlation near -0.5). A synthetic path without
jitter has almost no residual at all. (Entropies of turn and heading angles
were measured too and added nothing: not kept.)

:func:`compute` is the numpy reference; :mod:`scoring.features._kernel_fine` has
the same as numba loops (tests compare them).
"""

from __future__ import annotations

import math

import numpy as np

from scoring.features._grid import Array, CArray
from scoring.features._kernel_fine import FLAT_SSQ, MOVING_STEP, NOISE_FLOOR

__all__ = ["NAMES", "change_autocorr", "compute"]

_sum = np.add.reduce

NAMES: tuple[str, ...] = (
    "pointer.noise_cross_along",
    "pointer.noise_speed_corr",
    "pointer.noise_still",
    "pointer.noise_rel",
    "pointer.noise_along_rel",
    "pointer.accel_autocorr",
    "pointer.speed_change_autocorr",
)


def _smooth(z: CArray) -> CArray:
    # Binomial [1, 2, 1] / 4 twice: ~60 ms, the ends kept.
    for _ in range(2):
        s = z.copy()
        s[1:-1] = 0.25 * z[:-2] + 0.5 * z[1:-1] + 0.25 * z[2:]
        z = s
    return z


def change_autocorr(v: Array) -> float:
    """Lag-1 correlation of the changes of ``v`` (0 when they are rounding): near -0.5
    for white noise on a smooth sequence, positive for a hand's smooth changes."""
    d = v[1:] - v[:-1]
    den = float(np.dot(d, d))
    return float(np.dot(d[1:], d[:-1])) / den if den > FLAT_SSQ * d.size else 0.0


def compute(z: CArray, dz: CArray, step: Array, out: Array) -> None:
    """Fill ``out`` (``NAMES`` order) from grid positions ``z``; ``step = |dz|``."""
    out[:] = np.nan
    if z.size >= 8:
        zs = _smooth(z)
        r = (z - zs)[2:-2]
        v = (zs[3:-1] - zs[1:-3]) / 2.0
        sp = np.sqrt(v.real * v.real + v.imag * v.imag)
        ok = sp > MOVING_STEP
        n_ok = int(np.count_nonzero(ok))
        if n_ok >= 4:
            b = sp[ok]
            u = v[ok] / b
            rm = r[ok]
            along2 = rm.real * u.real + rm.imag * u.imag
            cross2 = rm.imag * u.real - rm.real * u.imag
            along = math.sqrt(float(_sum(along2 * along2)) / n_ok)
            cross = math.sqrt(float(_sum(cross2 * cross2)) / n_ok)
            out[0] = math.log((cross + NOISE_FLOOR) / (along + NOISE_FLOOR))
            a = np.sqrt(rm.real * rm.real + rm.imag * rm.imag)
            mean_b = float(_sum(b)) / n_ok
            da = a - float(_sum(a)) / n_ok
            db = b - mean_b
            saa = float(np.dot(da, da))
            sbb = float(np.dot(db, db))
            flat = FLAT_SSQ * n_ok
            out[1] = float(np.dot(da, db)) / math.sqrt(saa * sbb) if min(saa, sbb) > flat else 0.0
            still = r[~ok]
            out[2] = (
                math.sqrt(float(_sum(still.real**2 + still.imag**2)) / still.size)
                if still.size >= 3
                else 0.0
            )
            out[3] = (along + cross) / mean_b
            out[4] = along / mean_b
    if dz.size >= 6:
        acc = dz[1:] - dz[:-1]
        num = float(_sum(acc.real[1:] * acc.real[:-1] + acc.imag[1:] * acc.imag[:-1]))
        den = float(_sum(acc.real**2 + acc.imag**2))
        out[5] = num / den if den > FLAT_SSQ * acc.size else 0.0
        out[6] = change_autocorr(step)
