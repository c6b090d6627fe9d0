"""The smoothed family: a person's recorded movement with its fine structure filtered
out, as movers that learn trajectories from recordings make them.

A generator fitted to human paths (a spline through a recording, a sequence model
trained on mouse data) reproduces a person's sweep, its curve, its speed profile and
its corrections, but not the irregular few-pixel, few-frame motion of a hand. This
family is the closest such bot can come: the template's own path and timing, fitted
to the new start and target, passed through a Gaussian filter in time (80-300 ms),
then sampled at the person's event times or on a script's fixed timer.

Trained on, it teaches the model that a human-looking shape is not evidence of a
person; held out, the families most like it gain the most (docs/scoring.md).
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import gaussian_filter1d

from scoring.botgen.families import Job, click_tail, drop_repeats, fit_path
from scoring.features._grid import Array, CArray

__all__ = ["smoothed"]

# The filter's width in time. Held out, 80-300 ms and 40-160 ms measured level;
# 20-80 ms cost the WindMouse and minimum-jerk movers 2-3.5 points.
SIGMA_MS = (80.0, 300.0)
STEP_MS = 5.0
# Half of the bots move on a script's timer instead of the recording's event times.
TIMERS_MS = (8.0, 25.0)


def _filtered(t: Array, z: CArray, sigma_ms: float) -> tuple[Array, CArray]:
    """``z`` at times ``t`` resampled every STEP_MS and Gaussian-filtered, with a linear
    correction that keeps its first and last points where they were."""
    grid = np.arange(t[0], t[-1] + 1e-9, STEP_MS)
    raw = np.interp(grid, t, z.real) + 1j * np.interp(grid, t, z.imag)
    sigma = sigma_ms / STEP_MS
    smooth = gaussian_filter1d(raw.real, sigma, mode="nearest") + 1j * gaussian_filter1d(
        raw.imag, sigma, mode="nearest"
    )
    share = (grid - grid[0]) / max(grid[-1] - grid[0], 1.0)
    smooth += (raw[0] - smooth[0]) * (1.0 - share) + (raw[-1] - smooth[-1]) * share
    return grid, smooth


def smoothed(job: Job, rng: np.random.Generator) -> Array:
    src = job.template
    moves = src[src[:, 3] == 0.0]
    press = src[src[:, 3] == 1.0][0]
    release = src[src[:, 3] == 2.0][0]
    target = job.target(rng)
    if moves.shape[0] == 0:  # a press where the piece began
        moves = np.array([[0.0, *src[0, 1:3], 0.0]])
    points = np.vstack((moves[:, 1:3], press[1:3]))
    # The press point is reached just after the last move, as in the recording.
    t = np.append(moves[:, 0], moves[-1, 0] + STEP_MS)
    if t[-1] - t[0] < 2 * STEP_MS or np.hypot(*(points[-1] - points[0])) < 1.0:
        # Nothing to fit or filter: a jump onto the target.
        path = np.array([[0.0, *job.start], [STEP_MS, *np.round(target)]])
    else:
        z = fit_path(points, job.start, target)
        grid, smooth = _filtered(t, z, rng.uniform(*SIGMA_MS))
        if rng.random() < 0.5:
            times = t
        else:
            times = np.arange(t[0], t[-1] + 1e-9, rng.uniform(*TIMERS_MS))
            times = np.append(times, t[-1]) if times[-1] < t[-1] else times
        x = np.interp(times, grid, smooth.real)
        y = np.interp(times, grid, smooth.imag)
        path = np.column_stack((times - times[0], np.round(x), np.round(y)))
    dwell = float(press[0]) - float(moves[-1, 0])
    return click_tail(drop_repeats(path), max(dwell, 0.0), float(release[0] - press[0]))
