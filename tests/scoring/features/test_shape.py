"""Movement-shape features (sub-movements, smooth-curve fits) on hand-computed trajectories.

Moves are on the 20 ms grid, so grid steps are exactly the given displacements.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from scoring.features import shape
from tests.scoring.conftest import grid_events, pointer_features


def along_x(steps: list[float]) -> dict[str, float]:
    """A straight horizontal move with the given per-step displacements."""
    xs = np.concatenate(([100.0], 100.0 + np.cumsum(steps))).tolist()
    return pointer_features(grid_events(xs, [200.0] * len(xs)))


def test_constant_speed_line_has_no_structure() -> None:
    f = along_x([10.0] * 50)
    assert f["pointer.smooth_peaks"] == 0.0
    assert f["pointer.peaks_per_100px"] == 0.0
    # The first of the equal speeds is the peak: no acceleration phase.
    assert f["pointer.peak_accel_share"] == 0.0
    assert f["pointer.speed_skew"] == pytest.approx(0.0, abs=1e-9)
    # Half of 500 px is reached with the 25th step (index 24).
    assert f["pointer.half_path_time"] == pytest.approx(24 / 50)
    # Nothing to explain: a perfect fit, no residual, sideways or along.
    assert f["pointer.speed_fit"] == f["pointer.path_fit"] == 1.0
    for name in ("pointer.speed_fit_resid", "pointer.path_fit_resid", "pointer.path_fit_px"):
        assert f[name] == pytest.approx(0.0, abs=1e-9)


def test_constant_acceleration_is_one_late_peak() -> None:
    f = along_x([float(s) for s in range(1, 21)])  # 1, 2, ..., 20 px per step: 210 px
    assert f["pointer.smooth_peaks"] == 0.0  # still rising at the end
    # Peak at the last step, the ramp starts below 10% of it at step 0: all acceleration.
    assert f["pointer.peak_accel_share"] == 1.0
    assert f["pointer.speed_skew"] < 0.0  # the distance is covered late
    # Cumulative distance (i + 1)(i + 2) / 2 reaches 105 at index 13.
    assert f["pointer.half_path_time"] == pytest.approx(13 / 20)
    # A linear speed profile is a polynomial: explained exactly.
    assert f["pointer.speed_fit"] == pytest.approx(1.0, abs=1e-12)
    assert f["pointer.speed_fit_resid"] == pytest.approx(0.0, abs=1e-9)


def test_two_sub_movements() -> None:
    f = along_x([1.0, 3.0, 5.0, 3.0, 1.0, 1.0, 3.0, 6.0, 3.0, 1.0])
    # Smoothed [1, 2, 1] / 4: 1, 3, 4, 3, 1.5, 1.5, 3.25, 4.5, 3.25, 1 -> peaks at 2 and 7.
    assert f["pointer.smooth_peaks"] == 2.0
    assert f["pointer.peaks_per_100px"] == pytest.approx(2.0 / 0.27)
    # Main peak at step 7, nothing below 10% of it: 7 of 9 steps before it.
    assert f["pointer.peak_accel_share"] == pytest.approx(7 / 9)


def test_speed_skew_by_hand() -> None:
    # Weights 1/2, 1/6, 1/6, 1/6 on steps 0..3: mean 1, variance 4/3, third moment 1.
    f = along_x([3.0, 1.0, 1.0, 1.0])
    assert f["pointer.speed_skew"] == pytest.approx(1.0 / (4.0 / 3.0) ** 1.5)
    # Four steps are too few for a degree-4 fit.
    assert math.isnan(f["pointer.speed_fit"]) and math.isnan(f["pointer.path_fit_px"])


def test_a_bow_is_a_smooth_curve_and_a_wobble_is_not() -> None:
    n = 41
    xs = [10.0 * i for i in range(n)]
    bow = pointer_features(grid_events(xs, [0.05 * i * (n - 1 - i) for i in range(n)]))
    # A parabola sideways of the start->end line: degree 2, explained exactly.
    assert bow["pointer.path_fit"] == pytest.approx(1.0, abs=1e-12)
    assert bow["pointer.path_fit_px"] == pytest.approx(0.0, abs=1e-9)
    wobble = pointer_features(
        grid_events(xs, [3.0 * math.sin(2 * math.pi * i / 5) for i in range(n)])
    )
    # 10 Hz: no degree-4 polynomial follows it.
    assert wobble["pointer.path_fit"] < 0.1
    assert wobble["pointer.path_fit_px"] > 1.0


def test_fit_agrees_with_a_plain_least_squares_fit() -> None:
    rng = np.random.default_rng(5)
    y = np.cumsum(rng.normal(0.0, 1.0, 60))
    r2, rms = shape._fit(y, shape.basis(y.size))
    tau = np.linspace(-1.0, 1.0, y.size)
    r = y - np.polynomial.legendre.legval(tau, np.polynomial.legendre.legfit(tau, y, 4))
    sst = float(np.sum((y - y.mean()) ** 2))
    assert r2 == pytest.approx(1.0 - float(r @ r) / sst, rel=1e-9)
    assert rms == pytest.approx(math.sqrt(float(r @ r) / y.size), rel=1e-9)


def test_basis_is_orthonormal() -> None:
    for n in (7, 11, 300):
        q = shape.basis(n)
        assert q.shape == (5, n)
        np.testing.assert_allclose(q @ q.T, np.eye(5), atol=1e-9)
    assert shape.basis(6).shape == (5, 0)  # too few points for a degree-4 fit
