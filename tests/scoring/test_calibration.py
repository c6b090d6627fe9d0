"""Calibration fits: Platt scaling and the per-count calibration of a mean logit."""

from __future__ import annotations

import numpy as np
import pytest

from scoring import approaches
from scoring.calibration import fit_count_calibration, fit_platt
from scoring.visits import VisitSet

pytest.importorskip("sklearn")


def _visits(rng: np.random.Generator, n: int) -> tuple[VisitSet, np.ndarray]:
    """``n`` people's and ``n`` bots' visits of one and three approaches; the people's
    logits centre on +0.5, the bots' on -0.5, each approach with unit noise, so one
    approach's logit is calibrated log odds and the mean of three deserves three times
    its value (the log-likelihood ratio of two normals of variance 1/3)."""
    logits: list[float] = []
    spans: list[list[tuple[int, int]]] = []
    families: list[str] = []
    for family, centre in (("human", 0.5), ("tween", -0.5)):
        for _ in range(n):
            start = len(logits)
            logits += (centre + rng.normal(0.0, 1.0, 3)).tolist()
            # The first approach alone, then it with the next two.
            spans.append([(start, start + 1), (start, start + 3)])
            families.append(family)
    rows = np.zeros((len(logits), 1))
    users = np.array(["u"] * len(families))
    return VisitSet(rows, spans, np.array(families), users), np.array(logits)


def _log_loss(p: np.ndarray, y: np.ndarray) -> float:
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def test_platt_recovers_a_known_scale() -> None:
    rng = np.random.default_rng(1)
    y = rng.random(4000) < 0.5
    true_logit = np.where(y, 1.0, -1.0) + rng.normal(0.0, 1.0, y.size)
    # Data whose calibrated log odds are 2 * x: the fit must find about (0.5, 0).
    scale, shift = fit_platt(true_logit * 2.0, y.astype(float))
    assert scale == pytest.approx(1.0, abs=0.1) and shift == pytest.approx(0.0, abs=0.1)


def test_the_mean_of_three_is_sharpened_and_fits_better_than_the_plain_mean() -> None:
    rng = np.random.default_rng(2)
    visits, logits = _visits(rng, 4000)
    fitted = fit_count_calibration(visits, logits, (1.0, 0.0))
    assert set(fitted) == {"3"}  # one approach keeps its own Platt scaling
    scale, shift, weight = fitted["3"]
    assert scale == pytest.approx(3.0, abs=0.3) and shift == pytest.approx(0.0, abs=0.15)
    assert weight == 0.0  # no consistency evidence given
    calibration = {3: (scale, shift, weight)}
    y = (visits.family == "human").astype(float)
    plain = visits.combined(1.0 / (1.0 + np.exp(-logits)))[:, 1]
    calibrated = visits.combined(1.0 / (1.0 + np.exp(-logits)), calibration)[:, 1]
    assert _log_loss(calibrated, y) < _log_loss(plain, y) - 0.02
    # And the served combination is the same function.
    lo, hi = visits.spans[0][1]
    p = 1.0 / (1.0 + np.exp(-logits[lo:hi]))
    assert approaches.combine(p, calibration) == pytest.approx(calibrated[0])


def test_the_weight_of_consistency_evidence_is_fitted_with_the_mean() -> None:
    rng = np.random.default_rng(5)
    visits, logits = _visits(rng, 4000)
    bots = visits.family != "human"
    # Evidence that adds what the logits do not know: a bot's is lower by 1 on average,
    # in log-odds units of 2 (two normals of unit variance, means 0 and -1).
    evidence = np.zeros((len(visits.spans), 4))
    evidence[:, 1] = np.where(bots, -1.0, 0.0) + rng.normal(0.0, 1.0, bots.size)
    fitted = fit_count_calibration(visits, logits, (1.0, 0.0), evidence)
    scale, _, weight = fitted["3"]
    assert scale == pytest.approx(3.0, abs=0.3) and weight == pytest.approx(1.0, abs=0.15)
    # Only the chosen visits: without the bots' there is nothing to fit.
    assert fit_count_calibration(visits, logits, (1.0, 0.0), evidence, keep=~bots) == {}
    y = (~bots).astype(float)
    p = 1.0 / (1.0 + np.exp(-logits))
    cal = approaches.parse_calibration(fitted)
    without = approaches.parse_calibration(fit_count_calibration(visits, logits, (1.0, 0.0)))
    with_evidence = visits.combined(p, cal, evidence)[:, 1]
    assert _log_loss(with_evidence, y) < _log_loss(visits.combined(p, without)[:, 1], y) - 0.02
