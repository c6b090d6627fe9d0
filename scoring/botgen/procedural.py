"""The procedural family (training only): movers drawn from a space of generator
designs rather than copied from one tool.

Every "human-like" mover is the same handful of decisions: how many sub-movements
(an overshoot, a correction), how each bends (a bow, a wander), how progress runs in
time (an easing, a bell of speed, an uneven push), what noise sits on top and on
what clock the points go out. Each bot here draws every decision at random over wide
ranges, so the model sees the space between the tools it is trained on, not only
their points: a tool it has never seen is one more draw from that space.

Its parts are generic (Beta-distribution progress, which includes the minimum-jerk
profile; a sine series and a smoothed Brownian bridge for the bend; white, smoothed
and drifting position noise), so it overlaps some families by construction; the
held-out figures say which (docs/scoring.md).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.ndimage import gaussian_filter1d
from scipy.special import betainc

from scoring.botgen.families import Job, click_tail, drop_repeats
from scoring.features._grid import Array

__all__ = ["procedural"]


def _bridge(n: int, rng: np.random.Generator) -> Array:
    """A smoothed Brownian bridge over ``n`` points, zero at both ends, peak 1."""
    walk = np.cumsum(rng.normal(0.0, 1.0, n))
    walk -= np.linspace(walk[0], walk[-1], n)
    walk = gaussian_filter1d(walk, max(n * rng.uniform(0.03, 0.15), 0.5), mode="nearest")
    walk -= np.linspace(walk[0], walk[-1], n)
    peak = float(np.max(np.abs(walk)))
    out: Array = walk / peak if peak > 0 else walk
    return out


def _progress(tau: Array, rng: np.random.Generator) -> Array:
    """Share of the distance covered at each time share ``tau`` (0..1, increasing)."""
    kind = int(rng.integers(0, 3))
    if kind == 0:  # a bell of speed, symmetric or not
        s = betainc(rng.uniform(1.2, 5.0), rng.uniform(1.2, 5.0), tau)
    elif kind == 1:  # an uneven push: random speed knots, smoothly joined
        knots = rng.uniform(0.2, 1.0, int(rng.integers(3, 7)))
        knots[0], knots[-1] = rng.uniform(0.02, 0.4, 2)
        speed = np.interp(tau, np.linspace(0.0, 1.0, knots.size), knots)
        speed = gaussian_filter1d(speed, max(tau.size * 0.05, 0.5), mode="nearest")
        s = np.concatenate(([0.0], np.cumsum((speed[1:] + speed[:-1]) * np.diff(tau))))
    else:  # an easing raised to a power: ease-in, ease-out, or both
        p = rng.uniform(1.0, 3.5)
        s = 1.0 - (1.0 - tau) ** p if rng.random() < 0.5 else 0.5 - 0.5 * np.cos(np.pi * tau**p)
    if rng.random() < 0.4:  # the push wavers: a smooth multiplicative warp of time
        warp = np.exp(rng.uniform(0.1, 0.4) * _bridge(tau.size, rng))
        s = np.concatenate(([0.0], np.cumsum(np.diff(s) * warp[1:])))
    s = np.maximum.accumulate(s - s[0])
    out: Array = s / s[-1] if s[-1] > 0 else tau
    return out


def _bend(u: Array, distance: float, rng: np.random.Generator) -> Array:
    """Sideways offset (px) at progress ``u``, zero at both ends."""
    kind = int(rng.integers(0, 3))
    if kind == 0:
        return np.zeros_like(u)
    if kind == 1:  # a bow and its harmonics
        out = np.zeros_like(u)
        for k in range(1, int(rng.integers(1, 4)) + 1):
            out += rng.normal(0.0, 0.08 * distance / k) * np.sin(k * np.pi * u)
        return out
    wander: Array = rng.uniform(0.02, 0.15) * distance * _bridge(u.size, rng)
    return wander


def _clock(duration: float, rng: np.random.Generator) -> Array:
    """Times (ms) at which points go out over ``duration``: a sleep loop, a frame clock
    that drops frames, or an irregular one."""
    kind = int(rng.integers(0, 3))
    if kind == 0:
        base = rng.uniform(4.0, 33.0)
        n = max(int(duration / base), 2)
        dt = base + rng.uniform(0.0, 0.3 * base, n)
    elif kind == 1:
        n = max(int(duration / 16.67), 2)
        dropped = rng.random(n) < rng.uniform(0.0, 0.2)
        dt = np.where(dropped, 33.33, 16.67)
    else:
        base = rng.uniform(3.0, 20.0)
        n = max(int(duration / (1.5 * base)), 2)
        dt = base + rng.exponential(base, n)
    t = np.concatenate(([0.0], np.cumsum(dt)))
    out: Array = t[t <= duration] if t[-1] > duration else t
    if out[-1] < duration:
        out = np.append(out, duration)
    return out


def _noise(n: int, rng: np.random.Generator) -> Array:
    """Position noise (px) for ``n`` points, rows x, y; zero at the ends."""
    kind = int(rng.integers(0, 4))
    if kind == 0:
        out = np.zeros((n, 2))
    elif kind == 1:
        out = rng.normal(0.0, rng.uniform(0.3, 1.5), (n, 2))
    elif kind == 2:
        raw = rng.normal(0.0, 1.0, (n, 2))
        out = gaussian_filter1d(raw, rng.uniform(1.5, 5.0), axis=0)
        out *= rng.uniform(0.5, 3.0) / max(float(out.std()), 1e-9)
    else:
        out = np.column_stack((_bridge(n, rng), _bridge(n, rng))) * rng.uniform(1.0, 5.0)
    out[[0, -1]] = 0.0
    return out


def _submovement(
    a: complex, b: complex, t0: float, rng: np.random.Generator
) -> tuple[Array, Array]:
    """Times and positions (complex) of one movement from ``a`` to ``b``."""
    distance = abs(b - a)
    fitts = rng.uniform(50.0, 250.0) + rng.uniform(60.0, 200.0) * math.log2(1 + distance / 20)
    duration = max(fitts * rng.uniform(0.6, 1.5), 40.0)
    t = _clock(duration, rng)
    u = _progress(t / duration, rng)
    direction = (b - a) / distance if distance > 0 else 1.0 + 0j
    z = a + (b - a) * u + 1j * direction * _bend(u, distance, rng)
    return t0 + t, z


def procedural(job: Job, rng: np.random.Generator) -> Array:
    start, target = complex(*job.start), complex(*job.target(rng))
    distance = abs(target - start)
    direction = (target - start) / distance if distance > 0 else 1.0 + 0j
    corrections = int(rng.choice([0, 1, 2], p=[0.5, 0.35, 0.15]))
    # Where each sub-movement aims: off the target along and across the line (an
    # overshoot or a fall short), each error a fraction of the last, then the target.
    ends, error = [], rng.uniform(0.04, 0.2) * distance
    for _ in range(corrections):
        along = error * (1.0 if rng.random() < 0.6 else -1.0)
        ends.append(target + direction * complex(along, rng.normal(0.0, 0.4 * error)))
        error *= rng.uniform(0.2, 0.5)
    ends.append(target)
    times, points, at, t0 = [np.zeros(1)], [np.array([start])], start, 0.0
    for end in ends:
        t, z = _submovement(at, end, t0, rng)
        times.append(t[1:])
        points.append(z[1:])
        at, t0 = end, float(t[-1]) + (rng.uniform(0.0, 150.0) if end != target else 0.0)
    t, z = np.concatenate(times), np.concatenate(points)
    xy = np.column_stack((z.real, z.imag)) + _noise(z.size, rng)
    path = drop_repeats(np.column_stack((t, np.round(xy))))
    if rng.random() < 0.3:  # a scripted click: press and release at once
        return click_tail(path, rng.uniform(0.0, 5.0), rng.uniform(0.2, 3.0))
    return click_tail(path, rng.uniform(20.0, 400.0), rng.uniform(40.0, 180.0))
