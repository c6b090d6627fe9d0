"""Detection metrics: AUC, bots caught at a fixed share of humans challenged, calibration."""

from __future__ import annotations

import numpy as np

from scoring.features._grid import Array

__all__ = ["auc", "calibration_table", "catch_rate", "expected_calibration_error"]


def auc(human: Array, bot: Array) -> float:
    """P(score of a random human > score of a random bot), ties counted half."""
    scores = np.concatenate((human, bot))
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(scores.size)
    sorted_scores = scores[order]
    # Average ranks over ties.
    _, start, counts = np.unique(sorted_scores, return_index=True, return_counts=True)
    avg = start + (counts - 1) / 2.0 + 1.0
    ranks[order] = np.repeat(avg, counts)
    r_h = float(ranks[: human.size].sum())
    return (r_h - human.size * (human.size + 1) / 2.0) / (human.size * bot.size)


def catch_rate(human: Array, bot: Array, challenged: float = 0.01) -> tuple[float, float, float]:
    """Share of bots at or below the threshold that challenges ``challenged`` of humans.

    Returns ``(caught, threshold, humans actually challenged)``; ties at the
    threshold make the last differ from ``challenged``, and it is reported.
    """
    threshold = float(np.quantile(human, challenged, method="lower"))
    return (
        float(np.mean(bot <= threshold)),
        threshold,
        float(np.mean(human <= threshold)),
    )


def calibration_table(p: Array, y: Array, bins: int = 10) -> list[tuple[float, float, int]]:
    """Per score bin: mean predicted P(human), observed share of humans, count."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    idx = np.clip(np.digitize(p, edges) - 1, 0, bins - 1)
    out: list[tuple[float, float, int]] = []
    for b in range(bins):
        m = idx == b
        if m.any():
            out.append((float(p[m].mean()), float(y[m].mean()), int(m.sum())))
    return out


def expected_calibration_error(p: Array, y: Array, bins: int = 10) -> float:
    """Count-weighted mean |predicted - observed| over score bins."""
    table = calibration_table(p, y, bins)
    total = sum(n for _, _, n in table)
    return sum(abs(a - b) * n for a, b, n in table) / total
