"""Detection metrics on cases computed by hand."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.metrics import auc, calibration_table, catch_rate, expected_calibration_error


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
