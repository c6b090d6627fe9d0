"""Randomised smooth movers: a training aid, not a tool (domain randomisation).

Most movement generators a bot author writes or installs are a smooth function of
time: a speed profile of one or a few bumps (an easing curve, a minimum-jerk or
lognormal stroke, corrections after it) along a gently curved path, sampled on a
timer. Each known family is one narrow corner of that space. This family draws
from the whole of it: one to four bumps of random width, height and skew
(beta-shaped), sometimes a constant drift under them, sometimes an overshoot that
comes back, along a path bent sideways by a few random sine modes, on a random
timer, half of them with a random sleep before each step (as ``sleep(uniform(0, d))``
makes). A model that has seen the space, and not only the corners, is less sure
that a smooth mover it has never seen is a person (docs/scoring.md, Training and
evaluation). No model is evaluated on this family: it stands for no tool.
"""

from __future__ import annotations

import math

import numpy as np

from scoring.botgen.families import Job, click_tail, drop_repeats
from scoring.features._grid import Array

__all__ = ["randomized"]

_TIMERS_MS = (4.0, 8.0, 10.0, 15.6, 16.0, 16.7, 20.0)


def _bump(u: Array, rise: float, fall: float) -> Array:
    """Beta-shaped pulse on ``0 < u < 1`` (zero outside): skewed early when
    ``rise < fall``, late when ``rise > fall``."""
    inside = (u > 0.0) & (u < 1.0)
    out = np.zeros_like(u)
    out[inside] = u[inside] ** (rise - 1.0) * (1.0 - u[inside]) ** (fall - 1.0)
    return out


def _smoothstep(x: Array) -> Array:
    c = np.clip(x, 0.0, 1.0)
    return np.asarray(c * c * (3.0 - 2.0 * c))


def _progress(u: Array, rng: np.random.Generator) -> Array:
    """Share of the path covered at normalised times ``u`` (0 -> 1)."""
    speed = np.zeros_like(u)
    start = 0.0
    for index in range(1 + int(rng.integers(0, 4))):
        width = rng.uniform(0.3, 1.0) if index == 0 else rng.uniform(0.1, 0.5)
        height = 1.0 if index == 0 else rng.uniform(0.05, 0.5)
        shape = _bump((u - start) / width, rng.uniform(1.3, 5.0), rng.uniform(1.3, 5.0))
        speed += height * shape / width
        start += width * rng.uniform(0.3, 1.0)
    if rng.random() < 0.3:
        speed += rng.uniform(0.0, 0.1) * float(speed.max())
    covered = np.cumsum(speed) - speed[0]
    s = covered / covered[-1] if covered[-1] > 0.0 else u.copy()
    if rng.random() < 0.25:
        over = rng.uniform(0.02, 0.12)
        back = rng.uniform(0.6, 0.9)
        s = s * (1.0 + over) - over * _smoothstep((u - back) / (1.0 - back))
    return np.asarray(s)


def randomized(job: Job, rng: np.random.Generator) -> Array:
    (sx, sy), (tx, ty) = job.start, job.target(rng)
    goal = complex(tx - sx, ty - sy)
    distance = max(abs(goal), 1.0)
    seconds = math.exp(rng.uniform(math.log(0.15), math.log(2.0)))
    seconds *= 0.5 + 0.5 * min(distance / 400.0, 2.0)
    timer = float(rng.choice(_TIMERS_MS)) / 1000.0
    t = np.arange(0.0, seconds + timer, timer)
    s = _progress(t / t[-1], rng)
    sigma = rng.uniform(0.0, 0.2)
    sideways = np.zeros_like(s)
    for mode in range(1, int(rng.integers(1, 4)) + 1):
        sideways += rng.normal(0.0, sigma / mode) * np.sin(mode * math.pi * s)
    z = goal * (s + 1j * sideways)
    ms = t * 1000.0
    if rng.random() < 0.5:
        ms = ms + rng.uniform(0.0, rng.uniform(0.1, 3.0), t.size) * (t > 0)
    if rng.random() < 0.5:
        # Sleeps make the speed along the path uneven, which alone passes for a hand's
        # corrections (docs/scoring.md, Random sleeps).
        sleeps = rng.uniform(0.0, rng.uniform(5.0, 40.0), t.size)
        sleeps[0] = 0.0
        ms = ms + np.cumsum(sleeps)
    path = np.column_stack(
        (np.maximum.accumulate(ms), np.round(sx + z.real), np.round(sy + z.imag))
    )
    return click_tail(drop_repeats(path), rng.uniform(20.0, 300.0), rng.uniform(40.0, 150.0))
