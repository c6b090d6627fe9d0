"""How alike a visit's approaches are, against people's visits of as many approaches.

A person's approaches to a page's fields differ from one another; a tool with one
configuration makes the same movement every time: the same number of
submovements, the same speed profile, the same start. Each approach can look human
on its own (a sigma-lognormal mover's does, to the pointer model) while the set of
them does not.

For every model feature, the spread of its values over the visit's approaches (the
standard deviation, in units of people's interquartile range of that feature) is
compared with the spreads in people's visits of as many approaches: ``p`` is the
share of people's visits whose spread is that small or smaller, read from stored
quantiles and rounded up to the next stored level (a spread is never judged rarer
than people's visits showed). The evidence is the mean over features of
``log(2p)`` where ``p < 0.5``, else 0: one-sided, because only unusual sameness
says "tool" (a visit more varied than people's is not evidence either way). A
feature with fewer than two values in the visit adds 0: a missing signal is no
evidence. Features that scale with the movement's length (its duration, path,
speeds; :data:`LAYOUT_FEATURES`) are left out: how alike they are follows the page's
layout (a form's fields evenly spaced), not who moves. The evidence is at most 0;
how much it moves the score is the weight fitted with the per-count calibration
(:mod:`scoring.approaches`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from scoring.features._grid import Array
from scoring.features._kernel import compile_kernel

__all__ = [
    "CONSISTENCY_KEY",
    "LAYOUT_FEATURES",
    "LEVELS",
    "Reference",
    "fit_reference",
    "reference_of",
    "spreads",
    "warm_up",
]

# Where the model carries the reference, in its ONNX metadata.
CONSISTENCY_KEY = "visit_consistency"
# Lower-tail shares of people's visits kept per feature: dense where the evidence
# is, none above the median (one-sided).
LEVELS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5)
# People on a page whose targets are evenly spaced make approaches of one length:
# these spreads would call them a tool. Leaving them out changed the held-out
# figures by less than a point (docs/scoring.md).
LAYOUT_FEATURES = frozenset(
    {
        "pointer.duration",
        "pointer.path_len",
        "pointer.displacement",
        "pointer.speed_mean",
        "pointer.speed_max",
        "pointer.speed_max_60ms",
        "pointer.path_fit_px",
    }
)
# Spreads are compared on a log scale; this keeps "identical" finite.
_SPREAD_FLOOR = 1e-3
# log(2p) for a spread below each level's quantile (rounded up to that level), and
# 0 at or above the median.
_LOG_2P = np.log(2.0 * np.array((*LEVELS, 0.5)))
# The quantiles of a feature people never show twice in a visit, or one left out:
# every spread reaches them, so it is never evidence.
_NEVER = -1e9


def spreads(rows: Array, scale: Array) -> tuple[Array, Array]:
    """Log spread of each feature over ``rows`` (one row per approach) in units of
    ``scale``, and whether the feature had at least two values to spread."""
    var, present = _variances(rows / scale)
    return np.log(_SPREAD_FLOOR + np.sqrt(var)), present


def _variances(r: Array) -> tuple[Array, Array]:
    present = ~np.isnan(r)
    n = present.sum(axis=0)
    r = np.where(present, r, 0.0)
    counted = np.maximum(n, 1)
    d = np.where(present, r - r.sum(axis=0) / counted, 0.0)
    return np.einsum("ij,ij->j", d, d) / counted, n >= 2


def _evidence_loop(rows: Array, scale: Array, at: Array, log_2p: Array) -> float:
    """:meth:`Reference.evidence` as one loop (compiled by numba: the numpy version is
    about 15 calls of fixed cost for 63 features)."""
    k, features = rows.shape
    levels = at.shape[1]
    total = 0.0
    for j in range(features):
        n = 0
        s = 0.0
        for i in range(k):
            v = rows[i, j] / scale[j]
            if v == v:  # not NaN
                n += 1
                s += v
        if n < 2:
            continue
        mean = s / n
        var = 0.0
        for i in range(k):
            v = rows[i, j] / scale[j]
            if v == v:
                d = v - mean
                var += d * d
        var /= n
        reached = 0
        for level in range(levels):
            if var >= at[j, level]:
                reached += 1
        total += log_2p[reached]
    return float(total / features)


_evidence_jit = compile_kernel(_evidence_loop)


def warm_up() -> None:
    """Compile (or load from numba's cache) the evidence loop before the first request."""
    if _evidence_jit is not None:
        _evidence_jit(np.ones((2, 1)), np.ones(1), np.zeros((1, len(LEVELS))), _LOG_2P)


@dataclass(frozen=True, slots=True)
class Reference:
    """People's spreads: ``scale`` per feature, and per number of approaches the
    spread at each of :data:`LEVELS` (``quantiles[k]``: features x levels)."""

    scale: Array
    quantiles: Mapping[int, Array]
    # The quantiles as variances of the scaled values, so that serving compares
    # without a square root or a log (-inf: people's spread was 0, always reached).
    _variance_at: dict[int, Array] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        at: dict[int, Array] = {}
        for k, q in self.quantiles.items():
            sd = np.exp(q) - _SPREAD_FLOOR
            at[k] = np.where(q <= np.log(_SPREAD_FLOOR) + 1e-9, -np.inf, sd * sd)
        object.__setattr__(self, "_variance_at", at)

    def evidence(self, rows: Array) -> float:
        """How much more alike ``rows`` are than people's approaches (0 = not at
        all; more negative = rarer among people). 0 for a count not in the reference."""
        return self.evidence_with(rows, compiled=True)

    def evidence_with(self, rows: Array, *, compiled: bool) -> float:
        """:meth:`evidence` by the compiled loop (numba, when installed) or by numpy:
        the same value."""
        at = self._variance_at.get(rows.shape[0])
        if at is None:
            return 0.0
        if compiled and _evidence_jit is not None:
            return float(_evidence_jit(rows, self.scale, at, _LOG_2P))
        var, present = _variances(rows / self.scale)
        # Levels whose quantile the spread reaches: the spread's share is at most
        # the next level up.
        terms = np.where(present, _LOG_2P[(var[:, None] >= at).sum(axis=1)], 0.0)
        return float(terms.mean())

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Reference:
        """From what :func:`fit_reference` made."""
        return cls(
            np.asarray(data["scale"], dtype=np.float64),
            {int(k): np.asarray(v, dtype=np.float64) for k, v in data["quantiles"].items()},
        )


def reference_of(metadata: Mapping[str, str]) -> Reference | None:
    """The reference a model carries (None for a model trained without one)."""
    raw = metadata.get(CONSISTENCY_KEY)
    return Reference.from_json(json.loads(raw)) if raw else None


def fit_reference(
    human_rows: Array,
    visits_by_count: Mapping[int, Sequence[Array]],
    feature_names: Sequence[str] = (),
) -> dict[str, Any]:
    """The JSON a model carries (training only): ``scale`` from people's approach rows,
    then for each number of approaches the quantiles of people's visits' spreads
    (none for the :data:`LAYOUT_FEATURES` among ``feature_names``: never evidence)."""
    layout = {i for i, name in enumerate(feature_names) if name in LAYOUT_FEATURES}
    q75, q25 = np.nanpercentile(human_rows, [75.0, 25.0], axis=0)
    iqr = q75 - q25
    scale = np.where(np.isfinite(iqr) & (iqr > 1e-9), iqr, 1.0)
    quantiles: dict[str, list[list[float]]] = {}
    for k, visits in sorted(visits_by_count.items()):
        pairs = [spreads(v, scale) for v in visits]
        s = np.array([spread for spread, _ in pairs])
        present = np.array([p for _, p in pairs])
        per_feature = []
        for j in range(s.shape[1]):
            mine = s[present[:, j], j]
            if mine.size and j not in layout:
                values = np.quantile(mine, LEVELS)
            else:
                values = np.full(len(LEVELS), _NEVER)
            per_feature.append([round(float(v), 6) for v in values])
        quantiles[str(k)] = per_feature
    return {"scale": [round(float(v), 9) for v in scale], "quantiles": quantiles}
