"""Calibration fits (training only): Platt scaling of one approach's logit, and of the
mean logit of several approaches for each number of them (:mod:`scoring.approaches`)."""

from __future__ import annotations

import numpy as np

from scoring.features._grid import Array
from scoring.visits import VisitSet

__all__ = ["fit_count_calibration", "fit_platt"]


def fit_platt(logit: Array, y: Array) -> tuple[float, float]:
    """Scale and shift taking ``logit`` to calibrated log odds of ``y`` (1 = human)."""
    from sklearn.linear_model import LogisticRegression

    # Balanced: the score is P(human) for equal priors, whatever the mix of the
    # calibration set; a site's own base rate then only shifts its threshold.
    lr = LogisticRegression(C=1e4, max_iter=1000, class_weight="balanced")
    lr.fit(logit.reshape(-1, 1), y.astype(int))
    # The solver's last bits differ between CPUs; rounded, the same seed gives the
    # same model (and version) on any machine.
    return round(float(lr.coef_[0, 0]), 9), round(float(lr.intercept_[0]), 9)


def fit_count_calibration(
    visits: VisitSet, logit: Array, platt: tuple[float, float]
) -> dict[str, list[float]]:
    """For each number of approaches (2 and up), the Platt-style scale and shift of the
    mean of the served logits, fitted on out-of-fold visits (people and bots weighted
    equally, as the single-approach calibration)."""
    served = platt[0] * logit + platt[1]
    by_count: dict[int, tuple[list[float], list[float]]] = {}
    for spans, family in zip(visits.spans, visits.family.tolist(), strict=True):
        for lo, hi in spans:
            if hi - lo >= 2:
                xs, ys = by_count.setdefault(hi - lo, ([], []))
                xs.append(float(np.mean(served[lo:hi])))
                ys.append(1.0 if family == "human" else 0.0)
    out: dict[str, list[float]] = {}
    for n, (xs, ys) in sorted(by_count.items()):
        if len(set(ys)) == 2:
            out[str(n)] = list(fit_platt(np.asarray(xs), np.asarray(ys)))
    return out
