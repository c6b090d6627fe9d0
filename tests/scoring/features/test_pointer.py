"""Pointer features on trajectories whose answers are known by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scoring.features import _kernel, pointer
from scoring.features._grid import GRID_MS
from tests.scoring.conftest import line_events

F = {n: i for i, n in enumerate(pointer.NAMES)}


def feat(events: list[list[float]]) -> dict[str, float]:
    ev = [(e[0], e[1], e[2], int(e[3])) for e in events]
    v = pointer.extract_with(ev, compiled=False)
    # Both implementations must give the hand-computed answers.
    np.testing.assert_allclose(pointer.extract(ev), v, rtol=1e-9, atol=1e-12)
    return {n: float(v[i]) for n, i in F.items()}


def test_missing_section_is_its_own_state() -> None:
    for empty in (None, []):
        v = pointer.extract(empty)
        assert v[F["pointer.missing"]] == 1.0
        assert np.isnan(v[1:]).all()


def test_straight_line_at_constant_speed() -> None:
    f = feat(line_events(51, 10.0, 5.0))  # 250 px in 500 ms: 0.5 px/ms
    assert f["pointer.missing"] == 0.0
    assert f["pointer.straightness"] == pytest.approx(1.0)
    assert f["pointer.curvature"] == pytest.approx(0.0)
    assert f["pointer.lateral_dev"] == pytest.approx(0.0)
    assert f["pointer.overshoot"] == pytest.approx(0.0)
    assert f["pointer.speed_mean"] == pytest.approx(0.5)
    assert f["pointer.speed_max"] == pytest.approx(0.5)
    assert f["pointer.speed_cv"] == pytest.approx(0.0, abs=1e-9)
    assert f["pointer.const_speed_frac"] == pytest.approx(1.0)
    assert f["pointer.path_len"] == pytest.approx(math.log1p(250.0))
    assert f["pointer.duration"] == pytest.approx(math.log1p(500.0))
    assert f["pointer.backtrack"] == 0.0
    assert f["pointer.pause_frac"] == 0.0
    assert f["pointer.turn_balance"] == 1.0
    # The click: 120 ms after the last move, held 90 ms, no movement while pressed.
    assert f["pointer.end_dwell"] == pytest.approx(math.log1p(120.0))
    assert f["pointer.hold"] == pytest.approx(math.log1p(90.0))
    assert f["pointer.press_move"] == 0.0


def test_event_rate_does_not_change_kinematics() -> None:
    # The same movement at 100 Hz and at 50 Hz: same speeds and shape on the grid.
    fast = feat(line_events(101, 5.0, 2.0))
    slow = feat(line_events(51, 10.0, 4.0))
    for name in ("pointer.speed_mean", "pointer.straightness", "pointer.speed_cv"):
        assert fast[name] == pytest.approx(slow[name], abs=1e-9)


def test_right_angle_turn() -> None:
    ev = [[i * 20.0, 10.0 * i, 0.0, 0] for i in range(11)]
    ev += [[200.0 + i * 20.0, 100.0, 10.0 * i, 0] for i in range(1, 11)]
    f = feat(ev)
    # 200 px of path, sqrt(2) * 100 px of displacement.
    assert f["pointer.straightness"] == pytest.approx(math.sqrt(2) / 2, rel=1e-6)
    assert f["pointer.curvature"] == pytest.approx((math.pi / 2) / 200.0, rel=1e-6)
    assert f["pointer.straight_frac"] == pytest.approx(18 / 19)
    assert f["pointer.lateral_dev"] == pytest.approx(50.0 * math.sqrt(2) / (100.0 * math.sqrt(2)))
    assert f["pointer.turn_balance"] == pytest.approx(1.0)  # one turn, one direction


def test_overshoot_and_correction() -> None:
    # 0 -> 220 px in 22 steps of 10 px, then back to 200 px in 2 px steps
    # (0.1 px/ms backwards): overshoot 10%, 10 of 32 grid steps backtracking.
    xs = [*np.linspace(0.0, 220.0, 23).tolist(), *np.linspace(218.0, 200.0, 10).tolist()]
    ev = [[i * 20.0, x, 0.0, 0] for i, x in enumerate(xs)]
    f = feat(ev)
    assert f["pointer.overshoot"] == pytest.approx(0.1)
    assert f["pointer.backtrack"] == pytest.approx(10 / 32)
    assert f["pointer.submovements"] == 0.0  # constant speed out, constant speed back


def test_pause_in_the_middle() -> None:
    ev = [[i * 20.0, 5.0 * i, 0.0, 0] for i in range(11)]
    # 400 ms without events: the pointer stood still, then moved on.
    ev += [[600.0 + i * 20.0, 50.0 + 5.0 * i, 0.0, 0] for i in range(1, 11)]
    f = feat(ev)
    # Grid 0..800 ms: 10 moving steps, 20 still (200..600 ms: the hold lasts until one
    # grid step before the next event at 620 ms), 10 moving.
    assert f["pointer.pause_frac"] == pytest.approx(20 / 40)
    assert f["pointer.submovements"] >= 1.0


def test_teleport_click_has_no_kinematics() -> None:
    f = feat([[0.0, 500.0, 300.0, 1], [1.0, 500.0, 300.0, 2]])
    assert f["pointer.missing"] == 0.0
    assert math.isnan(f["pointer.speed_mean"])
    assert f["pointer.hold"] == pytest.approx(math.log1p(1.0))


def test_only_the_last_window_counts() -> None:
    early = [[float(i) * 10.0, float(i), 0.0, 0] for i in range(100)]
    late = [
        [100_000.0 + e[0], 1000.0 + e[1], 0.0, 0] for e in line_events(51, 10.0, 5.0, click=False)
    ]
    assert feat(early + late)["pointer.speed_mean"] == pytest.approx(0.5)


@pytest.mark.parametrize("seed", range(30))
def test_random_input_never_crashes(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 60))
    t = np.sort(rng.choice([0.0, 1.0, 16.0, 500.0], size=n).cumsum())
    xy = rng.choice([0.0, 0.5, 100.0], size=(n, 2)).cumsum(axis=0)
    kinds = rng.integers(0, 3, size=n)
    v = pointer.extract([(t[i], xy[i, 0], xy[i, 1], int(kinds[i])) for i in range(n)])
    assert v.shape == (len(pointer.NAMES),)
    assert not np.isinf(v).any()


def test_grid_is_what_the_docs_say() -> None:
    assert GRID_MS == 20.0


@pytest.mark.skipif(not _kernel.AVAILABLE, reason="numba not installed (the fast extra)")
@pytest.mark.parametrize("seed", range(60))
def test_compiled_kernel_matches_numpy(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(3, 400))
    t = np.cumsum(rng.choice([0.0, 4.0, 8.0, 16.0, 16.0, 50.0, 200.0], n))
    if seed % 3 == 0:  # constant speed: ties everywhere, rounding must not matter
        t = np.arange(n) * 16.0
        x = 100.0 + np.arange(n) * 7.3
        y = 50.0 + np.arange(n) * 2.1
    else:
        x = np.cumsum(rng.normal(0.0, rng.uniform(0.5, 8.0), n))
        y = np.cumsum(rng.normal(0.0, 3.0, n))
    ev = [(float(t[i]), round(float(x[i]), 1), round(float(y[i]), 1), 0) for i in range(n)]
    if rng.random() < 0.7:
        end = ev[-1]
        ev += [(end[0] + 100.0, end[1], end[2], 1), (end[0] + 180.0, end[1], end[2], 2)]
    fast = pointer.extract_with(ev, compiled=True)
    slow = pointer.extract_with(ev, compiled=False)
    np.testing.assert_allclose(fast, slow, rtol=1e-9, atol=1e-12)


def test_packed_and_plain_conversions_agree() -> None:
    # Decoded payloads take the msgpack fast path, training arrays the plain one.
    rng = np.random.default_rng(4)
    for n in (3, 15, 16, 300):
        t = np.sort(rng.uniform(0.0, 3000.0, n))
        ev = [
            (float(t[i]), float(rng.normal(300, 50)), float(rng.normal(200, 50)), int(i == n - 2))
            for i in range(n)
        ]
        a = np.asarray(ev, dtype=np.float64)
        np.testing.assert_array_equal(pointer.extract(ev), pointer.extract_array(a))


def test_kinematics_again_on_the_coarse_grid() -> None:
    f = feat(line_events(51, 10.0, 5.0))  # 0.5 px/ms for 500 ms
    assert f["pointer.speed_max_60ms"] == pytest.approx(0.5)
    assert f["pointer.speed_cv_60ms"] == pytest.approx(0.0, abs=1e-9)
    assert f["pointer.pause_frac_60ms"] == 0.0
    # Speed alternating 0.2 and 0.8 px/ms every 20 ms: jerky on the fine grid
    # (4 and 16 px, cv 6 / 10), smoother on the 60 ms one: coarse steps of three
    # fine ones are 24 and 36 px, cv 6 / 30.
    xs = np.cumsum([0.0] + [4.0, 16.0] * 30).tolist()
    g = feat([[20.0 * i, x, 0.0, 0] for i, x in enumerate(xs)])
    assert g["pointer.speed_cv"] == pytest.approx(0.6)
    assert g["pointer.speed_cv_60ms"] == pytest.approx(0.2)
    # No 60 ms block for a movement shorter than three coarse steps.
    h = feat(line_events(8, 20.0, 5.0))  # 140 ms
    assert not math.isnan(h["pointer.speed_cv"]) and math.isnan(h["pointer.speed_cv_60ms"])
