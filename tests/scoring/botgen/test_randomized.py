"""The randomised smooth movers: valid pieces that cover the space of smooth movement."""

from __future__ import annotations

import numpy as np

from scoring.botgen import FAMILIES, TRAINING_AIDS, generate
from scoring.botgen.randomized import randomized
from tests.scoring.botgen._checks import JOB, assert_moves_then_clicks_in_the_box


def _speed_peaks(moves: np.ndarray) -> int:
    """Local maxima of the step speed above a fifth of the largest, lightly smoothed."""
    speed = np.hypot(*np.diff(moves[:, 1:3], axis=0).T) / np.maximum(np.diff(moves[:, 0]), 1.0)
    speed = np.convolve(speed, np.ones(5) / 5.0, mode="same")
    inner = speed[1:-1]
    top = (inner > speed[:-2]) & (inner >= speed[2:]) & (inner > 0.2 * speed.max())
    return int(np.count_nonzero(top))


def test_every_piece_moves_then_clicks_in_the_box() -> None:
    for seed in range(200):
        assert_moves_then_clicks_in_the_box(randomized(JOB, np.random.default_rng(seed)))


def test_the_draws_cover_curves_corrections_overshoots_timers_and_sleeps() -> None:
    pieces = [randomized(JOB, np.random.default_rng(seed)) for seed in range(400)]
    start, goal = np.array([100.0, 500.0]), np.array([620.0, 210.0]) - np.array([100.0, 500.0])
    unit = goal / np.linalg.norm(goal)
    bowed = overshot = several = 0
    timers = set()
    interval_cv = []
    for ev in pieces:
        moves = ev[ev[:, 3] == 0.0]
        rel = moves[:, 1:3] - start
        along, across = rel @ unit, rel @ np.array([-unit[1], unit[0]])
        bowed += bool(np.abs(across).max() > 0.05 * np.linalg.norm(goal))
        overshot += bool(along.max() > along[-1] + 5.0)
        several += _speed_peaks(moves) >= 2
        timers.add(round(float(np.median(np.diff(moves[:, 0]))), 0))
        gaps = np.diff(moves[:, 0])
        interval_cv.append(float(gaps.std() / gaps.mean()))
    assert 0.3 * 400 < bowed < 0.95 * 400
    assert 0.1 * 400 < overshot < 0.4 * 400
    assert 0.2 * 400 < several < 0.9 * 400
    assert len(timers) >= 5
    # About half sleep at random before each step; the rest keep a steady timer.
    uneven = np.asarray(interval_cv) > 0.3
    assert 0.35 < uneven.mean() < 0.75
    assert (np.asarray(interval_cv) < 0.1).mean() > 0.15


def test_an_aid_is_generated_like_a_family_but_is_none() -> None:
    assert TRAINING_AIDS == ("randomized",)
    assert not set(TRAINING_AIDS) & set(FAMILIES)
    made = generate("randomized", [JOB, JOB], np.random.default_rng(5))
    again = generate("randomized", [JOB, JOB], np.random.default_rng(5))
    for a, b in zip(made, again, strict=True):
        np.testing.assert_array_equal(a, b)
