"""Calibration fits (training only): Platt scaling of one approach's logit, and of the
mean logit of several approaches for each number of them, with the weight of their
consistency evidence (:mod:`scoring.approaches`, :mod:`scoring.consistency`)."""

from __future__ import annotations

import numpy as np

from scoring.features._grid import Array
from scoring.visits import VisitSet

__all__ = ["fit_count_calibration", "fit_platt"]


def _balanced_logistic(X: Array, y: Array) -> tuple[list[float], float]:
    """Coefficients and intercept of a logistic regression of ``y`` (1 = human) on the
    columns of ``X``, people and bots weighted equally, rounded."""
    from sklearn.linear_model import LogisticRegression

    # Balanced: the score is P(human) for equal priors, whatever the mix of the
    # calibration set; a site's own base rate then only shifts its threshold.
    lr = LogisticRegression(C=1e4, max_iter=1000, class_weight="balanced")
    lr.fit(X, y.astype(int))
    # The solver's last bits differ between CPUs; rounded, the same seed gives the
    # same model (and version) on any machine.
    return [round(float(c), 9) for c in lr.coef_[0]], round(float(lr.intercept_[0]), 9)


def fit_platt(logit: Array, y: Array) -> tuple[float, float]:
    """Scale and shift taking ``logit`` to calibrated log odds of ``y`` (1 = human)."""
    (scale,), shift = _balanced_logistic(logit.reshape(-1, 1), y)
    return scale, shift


def fit_count_calibration(
    visits: VisitSet,
    logit: Array,
    platt: tuple[float, float],
    evidence: Array | None = None,
    keep: Array | None = None,
) -> dict[str, list[float]]:
    """For each number of approaches (2 and up), the Platt-style scale and shift of the
    mean of the served logits, fitted on out-of-fold visits (people and bots weighted
    equally, as the single-approach calibration); with ``evidence`` (per visit and
    prefix, :meth:`VisitSet.evidence`) also its weight, fitted jointly. ``keep``: the
    visits to fit on (all when None)."""
    served = platt[0] * logit + platt[1]
    by_count: dict[int, tuple[list[float], list[float], list[float]]] = {}
    chosen = np.ones(len(visits.spans), dtype=bool) if keep is None else keep
    for v, (spans, family) in enumerate(zip(visits.spans, visits.family.tolist(), strict=True)):
        if not chosen[v]:
            continue
        for k, (lo, hi) in enumerate(spans):
            if hi - lo >= 2:
                xs, es, ys = by_count.setdefault(hi - lo, ([], [], []))
                xs.append(float(np.mean(served[lo:hi])))
                es.append(0.0 if evidence is None else float(evidence[v, k]))
                ys.append(1.0 if family == "human" else 0.0)
    out: dict[str, list[float]] = {}
    for n, (xs, es, ys) in sorted(by_count.items()):
        if len(set(ys)) != 2:
            continue
        if evidence is None:
            out[str(n)] = [*fit_platt(np.asarray(xs), np.asarray(ys)), 0.0]
        else:
            (scale, weight), shift = _balanced_logistic(np.column_stack([xs, es]), np.asarray(ys))
            out[str(n)] = [scale, shift, weight]
    return out
