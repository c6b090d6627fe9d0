"""Per-event step features on hand-computed trajectories.

``pointer_features`` checks the numpy reference against the compiled loop on each.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.scoring.conftest import grid_events, pointer_features

STEP_NAMES = (
    "pointer.event_step_rough",
    "pointer.event_step_autocorr",
    "pointer.event_turn_rough",
    "pointer.event_turn",
)


def _features(events: list[list[float]]) -> dict[str, float]:
    f = pointer_features(events)
    return {n: f[n] for n in STEP_NAMES}


def test_constant_steps_along_a_line_are_smooth() -> None:
    f = _features(grid_events([100.0 + 10.0 * i for i in range(21)], [50.0] * 21))
    assert f == {n: 0.0 for n in STEP_NAMES}  # no change of step, no correlation, no turn


def test_alternating_steps() -> None:
    # Steps 6, 14, 6, 14, ... px: each is 8 from the mean of its neighbours (6 + 14) / 2
    # = 10 = the mean step; every change (+8, -8, ...) times the next one is -64.
    xs = [0.0]
    for i in range(20):
        xs.append(xs[-1] + (6.0 if i % 2 == 0 else 14.0))
    f = _features(grid_events(xs, [0.0] * 21))
    assert f["pointer.event_step_rough"] == pytest.approx(0.8)
    assert f["pointer.event_step_autocorr"] == pytest.approx(-18 / 19)
    assert f["pointer.event_turn"] == 0.0


def test_one_right_angle_turn() -> None:
    # Ten 10 px steps right, then ten down: one turn of pi/2 among 19, and the turn
    # changes twice (0 -> pi/2 -> 0) among 18 changes.
    xs = [10.0 * min(i, 10) for i in range(21)]
    ys = [10.0 * max(i - 10, 0) for i in range(21)]
    f = _features(grid_events(xs, ys))
    assert f["pointer.event_turn"] == pytest.approx((math.pi / 2) / 19)
    assert f["pointer.event_turn_rough"] == pytest.approx(math.pi / 18)
    assert f["pointer.event_step_rough"] == 0.0


def test_sleeps_between_steps_change_nothing() -> None:
    # The same positions arriving at random times: the grid's speed profile turns
    # uneven (what passes a random-sleep script as a hand), the per-event steps not.
    rng = np.random.default_rng(5)
    k = 30
    share = 1.0 - (1.0 - np.linspace(0.0, 1.0, k + 1)) ** 3  # an ease-out sweep
    xs = (100.0 + 400.0 * share).round(1).tolist()
    ys = (300.0 - 120.0 * share).round(1).tolist()
    even = [[12.0 * i, x, y, 0] for i, (x, y) in enumerate(zip(xs, ys, strict=True))]
    times = np.cumsum(12.0 + rng.uniform(0.0, 30.0, k + 1))
    uneven = [[float(t), x, y, 0] for t, x, y in zip(times, xs, ys, strict=True)]
    a, b = pointer_features(even), pointer_features(uneven)
    for n in STEP_NAMES:
        assert a[n] == b[n]
    assert b["pointer.speed_fit_resid"] > 3 * a["pointer.speed_fit_resid"]


def test_only_moves_count_and_short_steps_have_no_heading() -> None:
    xs = [100.0 + 10.0 * i for i in range(8)]
    ev = grid_events(xs, [50.0] * 8)
    # A press and release of an earlier click mid-way, off the path: not steps.
    ev.insert(4, [70.0, 500.0, 500.0, 1])
    ev.insert(5, [75.0, 500.0, 500.0, 2])
    f = _features(ev)
    assert f["pointer.event_step_rough"] == 0.0
    assert f["pointer.event_turn"] == 0.0
    # Sub-pixel wobble while creeping: steps are read, headings are not.
    creep = grid_events([100.0 + 0.5 * i for i in range(10)], [50.0, 50.3] * 5)
    f = _features(creep)
    assert not math.isnan(f["pointer.event_step_rough"])
    assert math.isnan(f["pointer.event_turn"]) and math.isnan(f["pointer.event_turn_rough"])


def test_too_few_moves_is_missing_not_smooth() -> None:
    f = _features(grid_events([100.0, 130.0, 170.0, 220.0, 260.0], [50.0] * 5))
    assert all(math.isnan(v) for v in f.values())
    # Six moves but the pointer stood still for most of them.
    f = _features(grid_events([100.0] * 4 + [110.0, 120.0], [50.0] * 6))
    assert all(math.isnan(v) for v in f.values())


def test_a_reversal_turns_by_pi_whatever_the_rounding() -> None:
    # Back and forth along a line: every turn is a reversal, +pi (never -pi by the
    # sign of a zero), so the turn never changes.
    xs = [100.0 + (12.0 if i % 2 else 0.0) for i in range(12)]
    f = _features(grid_events(xs, [50.0] * 12))
    assert f["pointer.event_turn"] == pytest.approx(math.pi)
    assert f["pointer.event_turn_rough"] == 0.0


def test_a_turn_changing_across_pi_changes_little() -> None:
    # Zig-zag of nearly reversed steps, turning by pi - e, then -(pi - e), ...: the
    # heading changes by 2e from one turn to the next, not by 2 pi - 2e.
    e = 0.1
    heading = 0.0
    zs = [0j]
    for i in range(12):
        zs.append(zs[-1] + 20.0 * complex(math.cos(heading), math.sin(heading)))
        heading += (math.pi - e) * (1 if i % 2 == 0 else -1)
    f = _features(grid_events([z.real for z in zs], [z.imag for z in zs]))
    assert f["pointer.event_turn"] == pytest.approx(math.pi - e, abs=0.02)
    assert f["pointer.event_turn_rough"] == pytest.approx(2 * e, abs=0.04)


def test_the_reversal_tolerance_is_the_grid_kinematics_one() -> None:
    from scoring.features import _kernel, _kernel_fine

    assert _kernel_fine.REVERSAL_EPS == _kernel.REVERSAL_EPS
