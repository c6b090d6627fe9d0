"""Detection metrics on cases computed by hand."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.metrics import (
    auc,
    calibration_table,
    catch_rate,
    catch_rate_interval,
    expected_calibration_error,
)


def test_auc_perfect_inverted_and_ties() -> None:
    assert auc(np.array([0.9, 0.8]), np.array([0.1, 0.2])) == 1.0
    assert auc(np.array([0.1]), np.array([0.9])) == 0.0
    assert auc(np.array([0.5, 0.5]), np.array([0.5])) == 0.5
    # 3 of 4 (human, bot) pairs ordered right.
    assert auc(np.array([0.2, 0.9]), np.array([0.1, 0.5])) == pytest.approx(0.75)


def test_catch_rate_at_one_percent_of_humans() -> None:
    human = np.linspace(0.01, 1.0, 100)  # the lowest human score is 0.01
    bot = np.array([0.0, 0.005, 0.01, 0.5])
    caught, threshold, challenged = catch_rate(human, bot, 0.01)
    assert threshold == pytest.approx(0.01)
    assert challenged == pytest.approx(0.01)
    assert caught == pytest.approx(0.75)


def test_the_catch_rate_interval_covers_the_true_share_and_widens_with_clusters() -> None:
    rng = np.random.default_rng(8)
    # People N(0, 1), bots N(-3, 1): at the 1% threshold (-2.33) 75% of bots are caught.
    human = rng.normal(0.0, 1.0, 4000)
    bot = rng.normal(-3.0, 1.0, 2000)
    alone = catch_rate_interval(human, bot, np.arange(human.size), seed=1)
    assert alone[0] < 0.749 < alone[1] and alone[1] - alone[0] < 0.12
    # The same people in 40 sessions that each lean one way: fewer independent draws.
    sessions = np.repeat(np.arange(40), 100)
    leaning = human + np.repeat(rng.normal(0.0, 0.5, 40), 100)
    clustered = catch_rate_interval(leaning, bot, sessions, seed=1)
    as_if_independent = catch_rate_interval(leaning, bot, np.arange(human.size), seed=1)
    assert clustered[1] - clustered[0] > 1.5 * (as_if_independent[1] - as_if_independent[0])
    # Reproducible for a seed.
    assert catch_rate_interval(human, bot, np.arange(human.size), seed=1) == alone


def test_calibration_is_read_with_equal_priors() -> None:
    y = np.r_[np.ones(100), np.zeros(300)]
    p = np.r_[np.full(100, 0.8), np.full(300, 0.2)]
    assert calibration_table(p, y) == [
        pytest.approx((0.2, 0.0, 300)),
        pytest.approx((0.8, 1.0, 100)),
    ]
    assert expected_calibration_error(p, y) == pytest.approx(0.2)
    # Perfectly calibrated at equal priors: half the weight in each bin is human.
    y2 = np.r_[np.ones(10), np.zeros(10)]
    assert expected_calibration_error(np.full(20, 0.5), y2) == pytest.approx(0.0)
