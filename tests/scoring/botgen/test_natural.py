"""The NaturalMouseMotion family: flows, the overshoot chain and where it lands."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.botgen.families import Job
from scoring.botgen.natural import _NATURES, _step_sizes, move
from tests.scoring.botgen._checks import JOB, assert_moves_then_clicks_in_the_box

TEMPLATE = np.array([[0.0, 0.0, 0.0, 0.0], [16.0, 3.0, 2.0, 0.0], [120.0, 3.0, 2.0, 1.0]])


def test_a_flow_spreads_the_distance_over_equal_time_steps() -> None:
    steady = _step_sizes(np.full(20, 10.0), 40)
    assert steady.sum() == pytest.approx(1.0)
    assert np.allclose(steady, 1.0 / 40)
    # Four buckets, the second still: over eight steps (half a bucket each), steps 3
    # and 4 do not move and the others share the distance by their bucket's content.
    shares = _step_sizes(np.array([2.0, 0.0, 1.0, 1.0]), 8)
    assert shares == pytest.approx([0.25, 0.25, 0.0, 0.0, 0.125, 0.125, 0.125, 0.125])


@pytest.mark.parametrize("index", range(len(_NATURES)))
def test_every_nature_lands_on_the_target_and_clicks_there(index: int) -> None:
    rng = np.random.default_rng(index)
    for _ in range(20):
        ev = move(_NATURES[index], JOB, np.random.default_rng(int(rng.integers(1 << 30))))
        assert_moves_then_clicks_in_the_box(ev)


def test_the_default_motion_overshoots_and_pauses_to_react() -> None:
    default = _NATURES[0]
    paused = passed = 0
    for seed in range(30):
        job = Job((100.0, 500.0), (900.0, 200.0, 40.0, 20.0), TEMPLATE)
        ev = move(default, job, np.random.default_rng(seed))
        moves = ev[ev[:, 3] == 0]
        gaps = np.diff(moves[:, 0])
        # Steps are a few milliseconds apart; between the chain's movements the
        # pointer stops for a reaction time (an overshoot that rounds onto the
        # target, or onto the previous one, merges two of them).
        paused += int(np.sum(gaps >= default.reaction_base_ms) >= 1)
        target = moves[-1, 1:3]
        direction = (target - moves[0, 1:3]) / np.linalg.norm(target - moves[0, 1:3])
        beyond = (moves[:, 1:3] - target) @ direction
        passed += int(beyond.max() > 2.0)
    assert paused == 30
    assert passed >= 10  # an overshoot point past the target along the way, often
