"""Detection metrics: AUC, bots caught at a fixed share of humans challenged, calibration."""

from __future__ import annotations

import numpy as np

from scoring.features._grid import Array

__all__ = [
    "auc",
    "balanced_weights",
    "calibration_table",
    "catch_rate",
    "catch_rate_interval",
    "expected_calibration_error",
]


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


def catch_rate_interval(
    human: Array,
    bot: Array,
    clusters: Array,
    seed: int,
    *,
    challenged: float = 0.01,
    resamples: int = 400,
    level: float = 0.95,
) -> tuple[float, float]:
    """Bootstrap interval of :func:`catch_rate`'s share caught: people resampled by
    ``clusters`` (one per person's score; a recorded session's visits are not
    independent of each other), bots one by one. Both sides move: at 1% of people the
    threshold rests on a dozen of them."""
    rng = np.random.default_rng(seed)
    _, cluster_of = np.unique(clusters, return_inverse=True)
    members = [np.flatnonzero(cluster_of == c) for c in range(int(cluster_of.max()) + 1)]
    caught = np.empty(resamples)
    for i in range(resamples):
        chosen = rng.integers(len(members), size=len(members))
        people = human[np.concatenate([members[c] for c in chosen])]
        bots = bot[rng.integers(bot.size, size=bot.size)]
        caught[i] = catch_rate(people, bots, challenged)[0]
    tail = (1.0 - level) / 2.0
    lo, hi = np.quantile(caught, [tail, 1.0 - tail])
    return float(lo), float(hi)


def balanced_weights(y: Array) -> Array:
    """Weights giving humans (y = 1) and bots (y = 0) equal total weight."""
    n_h = max(int(np.count_nonzero(y == 1.0)), 1)
    n_b = max(int(np.count_nonzero(y == 0.0)), 1)
    return np.where(y == 1.0, 0.5 / n_h, 0.5 / n_b)


def calibration_table(p: Array, y: Array, bins: int = 10) -> list[tuple[float, float, int]]:
    """Per score bin: mean predicted P(human), observed share of humans, count.

    Humans and bots are weighted to equal totals: the scores are calibrated for
    equal priors (see docs/scoring.md), so the table is read the same way.
    """
    w = balanced_weights(y)
    edges = np.linspace(0.0, 1.0, bins + 1)
    idx = np.clip(np.digitize(p, edges) - 1, 0, bins - 1)
    out: list[tuple[float, float, int]] = []
    for b in range(bins):
        m = idx == b
        if m.any():
            wm = w[m]
            out.append(
                (
                    float(np.dot(p[m], wm) / wm.sum()),
                    float(np.dot(y[m], wm) / wm.sum()),
                    int(m.sum()),
                )
            )
    return out


def expected_calibration_error(p: Array, y: Array, bins: int = 10) -> float:
    """Mean |predicted - observed| over score bins, weighted by (balanced) bin mass."""
    w = balanced_weights(y)
    edges = np.linspace(0.0, 1.0, bins + 1)
    idx = np.clip(np.digitize(p, edges) - 1, 0, bins - 1)
    total = 0.0
    for b in range(bins):
        m = idx == b
        if m.any():
            wm = w[m]
            total += abs(float(np.dot(p[m] - y[m], wm)))
    return total
