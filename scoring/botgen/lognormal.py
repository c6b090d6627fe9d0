"""The sigma-lognormal family: movements synthesised by the kinematic theory of rapid
human movements (Plamondon's ΣΛ model), as "human-like" mouse synthesisers make them.

A movement is one primary stroke and up to three corrective ones, each with a
lognormal speed profile (a fast rise and a slow decay: the skew of a hand) along a
circular arc, overlapping in time. The sum is fitted to the start and the target by a
similarity transform and sampled on a fixed timer, as a script dispatches events.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import ndtr

from scoring.botgen.families import Job, click_tail, drop_repeats
from scoring.features._grid import Array

__all__ = ["lognormal"]

_TIMERS_MS = (4.0, 8.0, 10.0, 16.0, 16.7)


def _stroke(
    t: Array, t0: float, mu: float, sigma: float, length: float, angle: float, turn: float
) -> Array:
    """Displacement (complex) of one stroke at times ``t`` (seconds): the distance
    covered is ``length`` times the lognormal CDF, along an arc turning by ``turn``."""
    after = np.maximum(t - t0, 1e-9)
    share = ndtr((np.log(after) - mu) / sigma)
    share = np.where(t > t0, share, 0.0)
    if abs(turn) < 1e-6:
        return np.asarray(length * share * np.exp(1j * angle))
    # Arc: heading goes from angle to angle + turn as the share goes 0 -> 1.
    radius = length / turn
    heading = angle + turn * share
    return np.asarray(
        radius * (np.exp(1j * (heading - math.pi / 2)) - np.exp(1j * (angle - math.pi / 2)))
    )


def lognormal(job: Job, rng: np.random.Generator) -> Array:
    (sx, sy), (tx, ty) = job.start, job.target(rng)
    goal = complex(tx - sx, ty - sy)
    distance = max(abs(goal), 1.0)
    strokes = []
    t0, reached = 0.0, 0.0 + 0.0j
    primary = rng.uniform(0.8, 1.0)
    for index in range(1 + int(rng.integers(0, 4))):
        mu = rng.uniform(-1.9, -1.1) if index == 0 else rng.uniform(-2.4, -1.6)
        sigma = rng.uniform(0.15, 0.45)
        rest = goal - reached
        length = abs(rest) * (primary if index == 0 else rng.uniform(0.6, 1.1))
        angle = math.atan2(rest.imag, rest.real) + rng.normal(0.0, 0.08)
        turn = rng.uniform(-0.6, 0.6) if index == 0 else rng.uniform(-0.3, 0.3)
        strokes.append((t0, mu, sigma, length, angle, turn))
        end = _stroke(np.array([t0 + 50.0]), t0, mu, sigma, length, angle, turn)[0]
        reached += end
        # The next correction starts while this stroke is still slowing down.
        t0 += math.exp(mu) * rng.uniform(0.7, 1.6)
    last_t0, last_mu, last_sigma = strokes[-1][:3]
    stop = last_t0 + math.exp(last_mu + 2.5 * last_sigma)
    timer = float(rng.choice(_TIMERS_MS)) / 1000.0
    t = np.arange(0.0, stop + timer, timer)
    z = sum((_stroke(t, *s) for s in strokes), np.zeros(t.size, dtype=complex))
    # Land on the target: the similarity transform that maps the end onto it.
    if abs(z[-1]) > 1e-6:
        z = z * (goal / z[-1])
    z = z * rng.uniform(0.98, 1.0) if distance > 50 and rng.random() < 0.3 else z
    ms = t * 1000.0 + rng.uniform(0.0, 0.4, t.size) * (t > 0)
    path = np.column_stack(
        (np.maximum.accumulate(ms), np.round(sx + z.real), np.round(sy + z.imag))
    )
    path = drop_repeats(path)
    return click_tail(path, rng.uniform(20.0, 300.0), rng.uniform(40.0, 150.0))
