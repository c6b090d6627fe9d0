"""Recombined bots: one family's path, another's timing; hand-computed cases."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.botgen.mixed import compose, mix_label, mix_parts


def _events(moves: list[tuple[float, float, float]], press: float, release: float) -> np.ndarray:
    rows = [[t, x, y, 0.0] for t, x, y in moves]
    _, x, y = moves[-1]
    rows += [[press, x, y, 1.0], [release, x, y, 2.0]]
    return np.asarray(rows, dtype=np.float64)


def test_path_of_one_timing_of_the_other() -> None:
    # Path: 100 px right, then 100 px down (200 px in all).
    path = _events([(0.0, 0.0, 0.0), (5.0, 100.0, 0.0), (9.0, 100.0, 100.0)], 20.0, 30.0)
    # Timing: 40 px of a straight line covered 10, 10, 20 px at t = 0, 10, 30, 50 ms:
    # shares 0, 1/4, 1/2, 1 of its length, so 0, 50, 100, 200 px along the path.
    timing = _events(
        [(0.0, 7.0, 7.0), (10.0, 17.0, 7.0), (30.0, 27.0, 7.0), (50.0, 47.0, 7.0)], 150.0, 240.0
    )
    out = compose(path, timing)
    np.testing.assert_array_equal(out[:, 0], [0.0, 10.0, 30.0, 50.0, 150.0, 240.0])
    np.testing.assert_array_equal(
        out[:, 1:3], [[0, 0], [50, 0], [100, 0], [100, 100], [100, 100], [100, 100]]
    )
    np.testing.assert_array_equal(out[:, 3], [0, 0, 0, 0, 1, 2])


def test_positions_are_whole_pixels() -> None:
    path = _events([(0.0, 0.0, 0.0), (5.0, 10.0, 0.0)], 9.0, 12.0)
    # A third of the way: 3.33 px, reported as 3.
    timing = _events([(0.0, 0.0, 0.0), (1.0, 1.0, 0.0), (2.0, 3.0, 0.0)], 4.0, 5.0)
    out = compose(path, timing)
    np.testing.assert_array_equal(out[:3, 1], [0.0, 3.0, 10.0])


def test_a_timing_without_movement_keeps_the_path_bot() -> None:
    path = _events([(0.0, 0.0, 0.0), (5.0, 10.0, 0.0)], 9.0, 12.0)
    still = _events([(0.0, 4.0, 4.0), (8.0, 4.0, 4.0)], 9.0, 12.0)
    assert compose(path, still) is path


@pytest.mark.parametrize(("label", "parts"), [("bezier", ("bezier",)), ("a+b", ("a", "b"))])
def test_labels(label: str, parts: tuple[str, ...]) -> None:
    assert mix_parts(label) == parts
    assert mix_label("windmouse", "tween") == "windmouse+tween"
