"""Pointer movement shape: sub-movement structure and how well a smooth curve explains it.

Part of the pointer group (names ``pointer.*``), computed on the 20 ms grid the
kinematics use. Two ideas from motor control:

* A hand reaches a target with a fast primary sub-movement and slower corrections:
  several speed peaks, accelerating faster than it decelerates, the speed mass
  early in time. Synthetic movers have one symmetric peak (minimum jerk, eased
  tweens) or none (constant speed).
* A program moves along a low-order curve (an easing function of time, a Bezier
  path), so a degree-4 polynomial explains its speed profile and its sideways
  deviation almost exactly, up to the jitter added on top; a person's corrections
  and wobble it does not. (Degree 8 fits measured no better; not kept.)

:func:`compute` is the numpy reference; :mod:`scoring.features._kernel_fine` has
the same as numba loops (tests compare them).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from scoring.features._grid import Array, CArray
from scoring.features._kernel_fine import DEGREE, FLAT_SSQ, HALF, PEAK_SHARE, RISE_EPS

__all__ = ["NAMES", "basis", "compute"]

_sum = np.add.reduce

NAMES: tuple[str, ...] = (
    "pointer.peaks_per_100px",
    "pointer.peak_accel_share",
    "pointer.speed_skew",
    "pointer.half_path_time",
    "pointer.smooth_peaks",
    "pointer.speed_fit",
    "pointer.speed_fit_resid",
    "pointer.path_fit",
    "pointer.path_fit_resid",
    "pointer.path_fit_px",
)


_NO_BASIS = np.zeros((DEGREE + 1, 0))


def basis(n: int) -> Array:
    """Polynomials of degree 0..4 orthonormal on ``n`` evenly spaced points (rows),
    by the three-term (Stieltjes) recurrence: a least-squares fit is then a
    projection, no system to solve. Both implementations take it from here;
    an empty one below ``DEGREE + 3`` points, where no fit is made."""
    return _basis(n) if n >= DEGREE + 3 else _NO_BASIS


@functools.lru_cache(maxsize=1024)  # keyed by the grid length: at most 301 of them
def _basis(n: int) -> Array:
    x = np.arange(n) * (2.0 / (n - 1)) - 1.0
    q = np.empty((DEGREE + 1, n))
    q[0] = 1.0 / math.sqrt(n)
    prev = np.zeros(n)
    beta = 0.0
    for m in range(DEGREE):
        p = x * q[m]
        p = p - float(np.dot(p, q[m])) * q[m] - beta * prev
        beta = math.sqrt(float(np.dot(p, p)))
        prev = q[m]
        q[m + 1] = p / beta
    q.setflags(write=False)
    return q


def _fit(y: Array, q: Array) -> tuple[float, float]:
    """R^2 and RMS residual of the degree-4 least-squares fit of ``y``."""
    n = y.size
    d = y - float(_sum(y)) / n
    r = d - (q[1:] @ y) @ q[1:]
    sse = float(np.dot(r, r))
    sst = float(np.dot(d, d))
    return (1.0 - sse / sst if sst > FLAT_SSQ * n else 1.0), math.sqrt(sse / n)


def compute(z: CArray, step: Array, path: float, q: Array, out: Array) -> None:
    """Fill ``out`` (``NAMES`` order) from grid positions ``z``; ``step`` their
    distances, ``path`` their sum, ``q = basis(step.size)``."""
    k = step.size
    sp = step.copy()
    sp[1:-1] = 0.25 * step[:-2] + 0.5 * step[1:-1] + 0.25 * step[2:]
    ip = int(np.argmax(sp))
    smax = float(sp[ip])
    d = sp[1:] - sp[:-1]
    peaks = int(
        np.count_nonzero((d[:-1] > RISE_EPS) & ~(d[1:] > RISE_EPS) & (sp[1:-1] > PEAK_SHARE * smax))
    )
    out[0] = peaks / (path / 100.0)
    low = np.flatnonzero(sp < PEAK_SHARE * smax)
    before = low[low < ip]
    after = low[low >= ip]
    s0 = int(before[-1]) if before.size else 0
    e0 = int(after[0]) if after.size else k - 1
    out[1] = (ip - s0) / max(e0 - s0, 1)
    w = step / path
    tt = np.arange(k, dtype=np.float64)
    mu = float(np.dot(w, tt))
    c = tt - mu
    sd = math.sqrt(float(np.dot(w, c * c)))
    out[2] = float(np.dot(w, (c / sd) ** 3)) if sd > 0.0 else 0.0
    out[3] = int(np.searchsorted(np.cumsum(step), HALF * path)) / k
    out[4] = float(peaks)
    if q.shape[1] != k:
        out[5:10] = np.nan
        return
    r2, rms = _fit(step, q)
    out[5] = r2
    out[6] = rms / (path / k)
    e = complex(z[-1] - z[0])
    disp = abs(e)
    if disp < 1.0:
        out[7:10] = np.nan
        return
    # Sideways offset from the start->end line, between grid points like the speeds.
    lateral = ((z - z[0]) * (e.conjugate() / disp)).imag
    r2, rms = _fit(0.5 * (lateral[:-1] + lateral[1:]), q)
    out[7] = r2
    out[8] = rms / disp
    out[9] = rms
