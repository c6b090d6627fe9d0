"""The OxyMouse family: its two algorithms' shapes and the events a bot sends."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.botgen.oxymouse import bezier_points, gaussian_points, oxymouse
from tests.scoring.botgen._checks import JOB, assert_moves_then_clicks_in_the_box


def test_bezier_runs_from_start_to_end_in_sixty_points_a_second() -> None:
    for seed in range(20):
        rng = np.random.default_rng(seed)
        pts = bezier_points(
            (100.0, 500.0), (700.0, 200.0), rng, duration=1.5, complexity=5, randomness=0.0
        )
        assert pts.shape == (90, 2)
        assert pts[0].tolist() == [100.0, 500.0] and pts[-1].tolist() == [700.0, 200.0]
        assert np.all(pts == np.trunc(pts))
        # Without randomness the control points lie in the start-target box, and a
        # Bezier curve stays in the hull of its control points.
        assert pts[:, 0].min() >= 100 and pts[:, 0].max() <= 700
        assert pts[:, 1].min() >= 200 and pts[:, 1].max() <= 500


def test_gaussian_rides_half_the_distance_off_its_curve_and_snaps_at_the_ends() -> None:
    offsets = []
    for seed in range(20):
        pts = gaussian_points(
            (100.0, 500.0),
            (700.0, 200.0),
            np.random.default_rng(seed),
            duration=1.0,
            smoothness=2.0,
            randomness=1.0,
        )
        assert pts.shape == (60, 2)
        assert pts[0].tolist() == [100.0, 500.0] and pts[-1].tolist() == [700.0, 200.0]
        # The rescaled walk has mean (end - start) / 2 and std |end - start| / 6 per axis:
        # the second point lands far from the first (the library's jump).
        offsets.append(np.abs(pts[1] - pts[0]))
    jumps = np.array(offsets)
    assert np.median(jumps[:, 0]) > 150 and np.median(jumps[:, 1]) > 75


@pytest.mark.parametrize("seed", range(40))
def test_a_bot_moves_from_its_start_and_clicks_on_the_target(seed: int) -> None:
    assert_moves_then_clicks_in_the_box(oxymouse(JOB, np.random.default_rng(seed)))
