"""The NaturalMouseMotion family: movements as the Java library
``com.github.joonasvali:naturalmouse`` makes them (its default motion and the
factory templates it ships), ported from its documented algorithm.

A move to the target is a chain of movements: up to three overshoots, each aimed
at a random point around the target whose spread shrinks as the chain goes on, then
the target itself, with a human "reaction time" pause between them and each later
movement faster than the one before. A movement takes a fixed number of equal time
steps (``Thread.sleep``); how far each step goes comes from a *flow*, a speed profile
drawn from the library's templates (steady, interrupted, jagged, slow start,
adjusting, stopping); a sinusoidal sideways deviation bows the path, and at slow
steps a small random walk of noise is added. Deviation and noise fade out over the
last steps, and the final position snaps onto the movement's destination.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from scoring.botgen.families import Job, click_tail, drop_repeats
from scoring.features._grid import Array

__all__ = ["move", "natural"]

_MIN_STEPS = 10
_EFFECT_FADE_STEPS = 15
_SLEEP_AFTER_ADJUSTMENT_MS = 2.0


@dataclass(frozen=True, slots=True)
class _Nature:
    """One of the library's factory templates (field names follow its setters)."""

    base_time_ms: float  # DefaultSpeedManager: time = base * (1 + random)
    time_steps_ms: float  # TIME_TO_STEPS_DIVIDER: one step per this many ms
    overshoots: int
    overshoot_divider: float  # overshootRandomModifierDivider
    overshoot_speedup: float  # overshootSpeedupDivider
    min_overshoot_ms: float
    reaction_base_ms: float
    reaction_variation_ms: float
    deviation_divider: float  # SinusoidalDeviationProvider slope divider
    noisiness_divider: float  # DefaultNoiseProvider


_NATURES = (
    _Nature(500.0, 8.0, 3, 20.0, 1.8, 40.0, 20.0, 120.0, 10.0, 2.0),  # default
    _Nature(250.0, 8.0, 0, 20.0, 1.8, 40.0, 10.0, 40.0, 10.0, 2.0),  # fast gamer
    _Nature(400.0, 8.0, 2, 20.0, 1.8, 40.0, 20.0, 120.0, 9.0, 1.6),  # average user
    _Nature(1600.0, 8.0, 3, 15.0, 2.5, 40.0, 200.0, 250.0, 9.0, 1.6),  # granny
)


def _flows(rng: np.random.Generator) -> Array:
    """A speed profile (relative speed per time bucket), like FlowTemplates'."""
    kind = int(rng.integers(0, 7))
    if kind == 0:  # constant speed
        buckets = np.full(20, 10.0)
    elif kind == 1:  # variating: a smooth wave
        buckets = 10.0 + 5.0 * np.sin(np.linspace(0.0, rng.uniform(2.0, 6.0) * math.pi, 40))
    elif kind == 2:  # interrupted: a stretch of stillness mid-way
        buckets = np.concatenate(
            (np.full(16, 10.0), np.zeros(int(rng.integers(3, 8))), np.full(10, 8.0))
        )
    elif kind == 3:  # slow start then steady
        buckets = np.concatenate((np.linspace(1.0, 12.0, 12), np.full(16, 12.0)))
    elif kind == 4:  # adjusting: slows, then picks up again
        buckets = np.concatenate(
            (np.linspace(4.0, 12.0, 8), np.linspace(12.0, 2.0, 10), np.linspace(2.0, 8.0, 8))
        )
    elif kind == 5:  # jagged
        buckets = np.tile([2.0, 9.0, 4.0, 11.0], 8)
    else:  # stopping: full speed to a halt
        buckets = np.concatenate((np.full(12, 12.0), np.linspace(12.0, 0.5, 14)))
    out: Array = np.maximum(buckets, 0.0)
    return out


def _step_sizes(buckets: Array, steps: int) -> Array:
    """Share of the distance covered in each of ``steps`` equal time steps: the flow's
    bucket contents over the step's completion range, as Flow.getStepSize sums them."""
    edges = np.linspace(0.0, buckets.size, steps + 1)
    cum = np.concatenate(([0.0], np.cumsum(buckets)))
    at = np.interp(edges, np.arange(buckets.size + 1), cum)
    out: Array = np.diff(at) / cum[-1]
    return out


def _movement(
    nature: _Nature,
    rng: np.random.Generator,
    start: tuple[float, float],
    dest: tuple[float, float],
    time_ms: float,
    t0: float,
) -> tuple[list[tuple[float, float, float]], float]:
    """The step events of one movement from ``start`` to ``dest`` and its end time."""
    dx, dy = dest[0] - start[0], dest[1] - start[1]
    distance = math.hypot(dx, dy)
    if distance < 1.0:
        return [], t0
    steps = math.ceil(min(distance, max(time_ms / nature.time_steps_ms, _MIN_STEPS)))
    step_ms = time_ms / steps
    share = _step_sizes(_flows(rng), steps)
    mult_x, mult_y = rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0)
    max_deviation = distance / nature.deviation_divider
    sim_x, sim_y, done, noise_x, noise_y = start[0], start[1], 0.0, 0.0, 0.0
    out = []
    for i in range(steps):
        step_x, step_y = dx * share[i], dy * share[i]
        done += share[i]
        fade = min(1.0, (steps - 1 - i) / _EFFECT_FADE_STEPS)
        step = math.hypot(step_x, step_y)
        if step > 1e-5:
            slack = max(0.0, 8.0 - step)
            if rng.random() < slack / 50.0:
                noise_x += (rng.random() - 0.5) * slack / nature.noisiness_divider
                noise_y += (rng.random() - 0.5) * slack / nature.noisiness_divider
        deviation = (1.0 - math.cos(min(done, 1.0) * 2.0 * math.pi)) / 2.0 * max_deviation
        sim_x += step_x
        sim_y += step_y
        x = sim_x + (deviation * mult_x + noise_x) * fade
        y = sim_y + (deviation * mult_y + noise_y) * fade
        # Thread.sleep wakes a little late, a different little each time.
        out.append(
            (t0 + step_ms * (i + 1) + rng.uniform(0.0, 1.2), float(round(x)), float(round(y)))
        )
    end = t0 + step_ms * steps + 1.2
    if out and (out[-1][1], out[-1][2]) != (round(dest[0]), round(dest[1])):
        end += _SLEEP_AFTER_ADJUSTMENT_MS
        out.append((end, float(round(dest[0])), float(round(dest[1]))))
    return out, end


def natural(job: Job, rng: np.random.Generator) -> Array:
    return move(_NATURES[int(rng.integers(0, len(_NATURES)))], job, rng)


def move(nature: _Nature, job: Job, rng: np.random.Generator) -> Array:
    """One approach and click as ``nature`` makes it."""
    (sx, sy), (tx, ty) = job.start, job.target(rng)
    time_ms = nature.base_time_ms * (1.0 + rng.random())
    distance = math.hypot(tx - sx, ty - sy)
    # MovementFactory: the overshoot targets first, the real target last.
    chain: list[tuple[tuple[float, float], float]] = []
    at = (sx, sy)
    overshoots = nature.overshoots if distance >= 10.0 and time_ms >= nature.min_overshoot_ms else 0
    for remaining in range(overshoots, 0, -1):
        spread = math.hypot(tx - at[0], ty - at[1]) / nature.overshoot_divider
        ox = int(rng.random() * spread - spread / 2.0) * remaining
        oy = int(rng.random() * spread - spread / 2.0) * remaining
        dest = (tx + ox, ty + oy)
        chain.append((dest, time_ms))
        time_ms = max(time_ms / nature.overshoot_speedup, nature.min_overshoot_ms)
        at = dest
    chain.append(((tx, ty), time_ms))
    events: list[tuple[float, float, float]] = [(0.0, float(round(sx)), float(round(sy)))]
    t, at = 0.0, (sx, sy)
    for index, (dest, ms) in enumerate(chain):
        moved, t = _movement(nature, rng, at, dest, ms, t)
        events.extend(moved)
        at = dest
        if index < len(chain) - 1:
            t += nature.reaction_base_ms + rng.random() * nature.reaction_variation_ms
    path = np.asarray(events)
    path = drop_repeats(path)
    return click_tail(path, rng.uniform(20.0, 300.0), rng.uniform(40.0, 150.0))
