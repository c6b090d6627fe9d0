"""Fine-structure features (residual after smoothing) on hand-computed trajectories.

Moves are on the 20 ms grid, so grid steps are exactly the given displacements.
"""

from __future__ import annotations

import math

import pytest

from tests.scoring.conftest import grid_events, pointer_features


def test_straight_constant_line_has_no_noise() -> None:
    xs = [100.0 + 10.0 * i for i in range(31)]
    f = pointer_features(grid_events(xs, [50.0] * 31))
    assert f["pointer.noise_cross_along"] == pytest.approx(0.0, abs=1e-9)  # log(0.05 / 0.05)
    assert f["pointer.noise_rel"] == pytest.approx(0.0, abs=1e-9)
    assert f["pointer.noise_speed_corr"] == 0.0  # no residual to correlate
    assert f["pointer.noise_still"] == 0.0  # never still
    assert f["pointer.accel_autocorr"] == 0.0
    assert f["pointer.speed_change_autocorr"] == 0.0


def test_sideways_jitter_is_white_noise() -> None:
    # 10 px/step along x, y alternating +2, -2: what Gaussian jitter does, exaggerated.
    k = 20
    xs = [10.0 * i for i in range(k + 1)]
    ys = [2.0 * (-1) ** i for i in range(k + 1)]
    f = pointer_features(grid_events(xs, ys))
    # Smoothing removes the alternation: a residual of 2 px sideways at 10 px/step.
    # Only at the first and last analysed points (2 and 18) does the kept end of
    # the smoothing tilt the direction: smoothed velocity (10, -+0.25).
    edge = math.hypot(10.0, 0.25)
    along = math.sqrt(2 * (0.5 / edge) ** 2 / 17)
    cross = math.sqrt((15 * 4.0 + 2 * (20.0 / edge) ** 2) / 17)
    speed = (15 * 10.0 + 2 * edge) / 17
    assert f["pointer.noise_cross_along"] == pytest.approx(
        math.log((cross + 0.05) / (along + 0.05))
    )
    assert f["pointer.noise_rel"] == pytest.approx((along + cross) / speed)
    assert f["pointer.noise_along_rel"] == pytest.approx(along / speed)
    assert f["pointer.noise_speed_corr"] == 0.0  # constant residual
    # Acceleration (0, -8), (0, 8), ...: every product of neighbours is -64.
    assert f["pointer.accel_autocorr"] == pytest.approx(-(k - 2) / (k - 1))
    assert f["pointer.speed_change_autocorr"] == 0.0  # every step is sqrt(116) px


def test_along_path_jitter() -> None:
    k = 20
    xs = [10.0 * i + 2.0 * (-1) ** i for i in range(k + 1)]
    f = pointer_features(grid_events(xs, [0.0] * (k + 1)))
    # Smoothed positions are 10 i again (10.5 and 190.5 next to the kept ends): the
    # residual is 2 px along the path everywhere, at a mean speed of 170 / 17 px/step.
    assert f["pointer.noise_cross_along"] == pytest.approx(math.log(0.05 / 2.05))
    assert f["pointer.noise_along_rel"] == pytest.approx(0.2)
    # Steps 6, 14, 6, ...: speed changes +-8, each product of neighbours -64.
    assert f["pointer.speed_change_autocorr"] == pytest.approx(-(k - 2) / (k - 1))


def test_smooth_acceleration_is_positively_correlated() -> None:
    xs = [0.0]
    for s in range(1, 21):
        xs.append(xs[-1] + s)  # 1, 2, ..., 20 px per step: acceleration (1, 0) throughout
    f = pointer_features(grid_events(xs, [0.0] * len(xs)))
    assert f["pointer.accel_autocorr"] == pytest.approx(18 / 19)
    assert f["pointer.speed_change_autocorr"] == pytest.approx(18 / 19)


def test_jitter_while_still() -> None:
    # 30 steps at 10 px, then the pointer dithers by 1 px for 20 steps.
    xs = [10.0 * i for i in range(31)] + [300.0 + (i % 2) for i in range(1, 21)]
    f = pointer_features(grid_events(xs, [0.0] * len(xs)))
    # The smoothed dither is at 299.5..300.5 +- 0: the residual is 0.5 px.
    assert f["pointer.noise_still"] == pytest.approx(0.5, abs=0.05)
