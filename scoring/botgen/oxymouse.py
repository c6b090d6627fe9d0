"""The OxyMouse family: movements as the Python library ``oxymouse`` (Oxylabs) makes
them, ported from its documented algorithms, driven as its Playwright example drives
them (``page.mouse.move`` per point, a 1-3 ms sleep between) or paced over the
movement's duration at its assumed 60 points per second.

* ``bezier``: a Bezier curve through the start, ``complexity - 2`` random control
  points inside the start-target box (each moved by up to ``randomness * 100`` px) and
  the target, evaluated at ``duration * 60`` equal steps of the curve parameter,
  positions truncated to whole pixels.
* ``gaussian``: a quadratic Bezier through one random control point in that box, plus
  a random walk (steps of ``randomness * 10`` px) smoothed by a Gaussian filter of
  ``smoothness`` samples and rescaled to mean ``(target - start) / 2`` and standard
  deviation ``(target - start) / 6`` per axis; the first and last points are pinned on
  the start and the target.

Its third algorithm, Perlin noise, wanders over a 1920x1080 screen without ending on
the target, so it cannot click a checkbox and is left out.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.ndimage import gaussian_filter1d

from scoring.botgen.families import Job, click_tail, drop_repeats
from scoring.features._grid import Array

__all__ = ["bezier_points", "gaussian_points", "oxymouse"]

_POINTS_PER_SECOND = 60


def bezier_points(
    start: tuple[float, float],
    end: tuple[float, float],
    rng: np.random.Generator,
    *,
    duration: float,
    complexity: int,
    randomness: float,
) -> Array:
    """``BezierMouse.generate_bezier_mouse_movements``: rows x, y (whole pixels)."""
    (sx, sy), (ex, ey) = (int(start[0]), int(start[1])), (int(end[0]), int(end[1]))
    complexity = max(4, complexity)
    inner = np.column_stack(
        (
            rng.integers(min(sx, ex), max(sx, ex) + 1, complexity - 2),
            rng.integers(min(sy, ey), max(sy, ey) + 1, complexity - 2),
        )
    ).astype(np.float64)
    inner = np.trunc(inner + rng.uniform(-randomness * 100, randomness * 100, inner.shape))
    ctrl = np.vstack(([sx, sy], inner, [ex, ey]))
    n = ctrl.shape[0] - 1
    t = np.linspace(0.0, 1.0, int(duration * _POINTS_PER_SECOND))[:, None]
    basis = np.hstack([math.comb(n, i) * t**i * (1.0 - t) ** (n - i) for i in range(n + 1)])
    out: Array = np.trunc(basis @ ctrl)
    return out


def gaussian_points(
    start: tuple[float, float],
    end: tuple[float, float],
    rng: np.random.Generator,
    *,
    duration: float,
    smoothness: float,
    randomness: float,
) -> Array:
    """``GaussianMouse.generate_gaussian_mouse_movements``: rows x, y (whole pixels)."""
    (sx, sy), (ex, ey) = (int(start[0]), int(start[1])), (int(end[0]), int(end[1]))
    n = int(duration * _POINTS_PER_SECOND)
    walk = np.cumsum(rng.normal(0.0, randomness * 10, (n, 2)), axis=0)
    smooth = gaussian_filter1d(walk, smoothness, axis=0)
    span = np.array([ex - sx, ey - sy], dtype=np.float64)
    spread = smooth.std(axis=0)
    spread[spread == 0.0] = 1.0
    morphed = (smooth - smooth.mean(axis=0)) / spread * (span / 6) + span / 2
    # random.uniform(a, b) takes the bounds in either order.
    control = np.array([sx, sy]) + rng.random(2) * span
    u = np.linspace(0.0, 1.0, n)[:, None]
    a, b = np.array([sx, sy], dtype=np.float64), np.array([ex, ey], dtype=np.float64)
    curve = (1 - u) ** 2 * a + 2 * (1 - u) * u * control + u**2 * b
    out: Array = np.trunc(curve + morphed)
    out[0], out[-1] = (sx, sy), (ex, ey)
    return out


def oxymouse(job: Job, rng: np.random.Generator) -> Array:
    """One approach and click: an algorithm, its parameters (the defaults half the
    time) and a way of playing the points."""
    start, end = job.start, job.target(rng)
    defaults = rng.random() < 0.5
    duration = 1.0 if defaults else float(rng.uniform(0.4, 2.0))
    randomness = 1.0 if defaults else float(rng.uniform(0.3, 1.5))
    if rng.random() < 0.5:
        complexity = 4 if defaults else int(rng.integers(4, 8))
        points = bezier_points(
            start, end, rng, duration=duration, complexity=complexity, randomness=randomness
        )
    else:
        smoothness = 2.0 if defaults else float(rng.uniform(1.0, 6.0))
        points = gaussian_points(
            start, end, rng, duration=duration, smoothness=smoothness, randomness=randomness
        )
    if rng.random() < 0.5:
        # The example: asyncio.sleep(uniform(1, 3) ms) after each awaited CDP move,
        # which itself takes about a millisecond.
        dt = np.asarray(
            rng.uniform(1.0, 3.0, points.shape[0]) + rng.uniform(0.3, 1.5, points.shape[0])
        )
    else:
        # Paced to the duration the library assumes: one point per 60 Hz frame.
        dt = np.asarray(1000.0 / _POINTS_PER_SECOND + rng.uniform(0.05, 1.5, points.shape[0]))
    dt[0] = 0.0
    path = drop_repeats(np.column_stack((np.cumsum(dt), points)))
    if rng.random() < 0.5:  # page.mouse.click(x, y): press and release at once
        return click_tail(path, rng.uniform(0.3, 3.0), rng.uniform(0.3, 3.0))
    return click_tail(path, rng.uniform(30.0, 300.0), rng.uniform(40.0, 150.0))
