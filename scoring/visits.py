"""Visits of several approaches, for evaluation (training only).

A page the widget sits on usually sees more than one click (fields of a form,
then the checkbox), and the scorer reads each of them (:mod:`scoring.approaches`).
This builds what the held-out users' visits look like: ``VISIT_SIZE``
consecutive pieces of one recorded session, one after another with a pause
between them. A bot's visit is one tool with one configuration: every piece of
it is made by the family's generator from the same random state (the same
easing, step count, speed, timing mode ...), with one click-timing and jitter
choice for the whole visit, so its pieces are as alike as a script's would be.
That is the hard case for combining approaches; a tool that draws new settings
for every move is easier.

Each visit is then scored the way the server scores it: the pieces joined into
one pointer section, cut by :func:`scoring.approaches.split`, one model row per
approach, the logits averaged by :func:`scoring.approaches.combine` with the
approaches' consistency evidence (:mod:`scoring.consistency`, against a reference
of people's visits made here too). Visits of ``k`` approaches are the first ``k``
pieces.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from scoring import approaches
from scoring.botgen import generate
from scoring.consistency import Reference, fit_reference
from scoring.dataset import (
    DEFAULT_JITTER,
    bot_job,
    click_timing,
    jitter_moves,
    with_click_timing,
)
from scoring.features import POINTER_MODEL_FEATURES, pointer
from scoring.features._grid import Array
from scoring.humans import HumanPiece, load_user_pieces
from scoring.metrics import auc, catch_rate, catch_rate_interval, expected_calibration_error
from scoring.recorder import capture, is_sparse, to_browser

__all__ = [
    "VISIT_SIZE",
    "VisitMetrics",
    "VisitSet",
    "build_visits",
    "format_visit_table",
    "visit_calibration",
    "visit_metrics",
]

VISIT_SIZE = 4
# Between two approaches the person reads, types or waits for the page.
PAUSE_MS = (800.0, 6000.0)


@dataclass(frozen=True, slots=True)
class VisitMetrics:
    """One family's visits against the held-out people's, for 1..VISIT_SIZE approaches,
    and the 95% bootstrap interval of the share caught at ``VISIT_SIZE``."""

    family: str
    visits: int
    humans: int
    auc: tuple[float, ...]
    caught_at_1pct: tuple[float, ...]
    caught_interval: tuple[float, float]


@dataclass(frozen=True, slots=True)
class VisitSet:
    """Model rows of every visit prefix: ``spans[v][k-1]`` are the rows of visit ``v``
    cut to its first ``k`` pieces; ``family[v]`` is "human" for people; ``session[v]``
    the recorded session a visit's pieces (a bot's: its people's pieces) come from."""

    rows: Array
    spans: list[list[tuple[int, int]]]
    family: np.ndarray
    user: np.ndarray
    session: np.ndarray | None = None

    def combined(
        self,
        p_rows: Array,
        calibration: approaches.Calibration | None = None,
        evidence: Array | None = None,
    ) -> Array:
        """``(visits, VISIT_SIZE)`` combined scores from one score per row (and the
        consistency evidence of every visit prefix, :meth:`evidence`)."""
        ev = np.zeros((len(self.spans), VISIT_SIZE)) if evidence is None else evidence
        return np.array(
            [
                [
                    approaches.combine(p_rows[lo:hi], calibration, float(ev[v, k]))
                    for k, (lo, hi) in enumerate(spans)
                ]
                for v, spans in enumerate(self.spans)
            ]
        )

    def reference(self, exclude_user: str | None = None) -> dict[str, Any]:
        """The consistency reference (:mod:`scoring.consistency`) of the people's
        visits here, without ``exclude_user``'s."""
        human_rows: list[Array] = []
        by_count: dict[int, list[Array]] = {}
        for spans, family, user in zip(
            self.spans, self.family.tolist(), self.user.tolist(), strict=True
        ):
            if family != "human" or user == exclude_user:
                continue
            human_rows.append(self.rows[spans[-1][0] : spans[-1][1]])
            for lo, hi in spans:
                if hi - lo >= 2:
                    by_count.setdefault(hi - lo, []).append(self.rows[lo:hi])
        if not human_rows:  # no people: a reference that is never evidence
            return {"scale": [1.0] * self.rows.shape[1], "quantiles": {}}
        return fit_reference(np.vstack(human_rows), by_count, POINTER_MODEL_FEATURES)

    def evidence(self, reference: Reference | None) -> Array:
        """``(visits, VISIT_SIZE)`` consistency evidence of every visit prefix (0 for
        one approach, or without a reference)."""
        out = np.zeros((len(self.spans), VISIT_SIZE))
        if reference is None:
            return out
        for v, spans in enumerate(self.spans):
            for k, (lo, hi) in enumerate(spans):
                if hi - lo >= 2:
                    out[v, k] = reference.evidence(self.rows[lo:hi])
        return out

    def oof_evidence(self) -> Array:
        """:meth:`evidence` of each user's visits against a reference of the other
        users' people: what the evidence of a person the reference never saw looks like."""
        out = np.zeros((len(self.spans), VISIT_SIZE))
        for user in sorted(set(self.user.tolist())):
            mine = self.user == user
            out[mine] = self.evidence(Reference.from_json(self.reference(user)))[mine]
        return out

    def row_users(self) -> np.ndarray:
        """The user of every row (a visit's rows are all its user's)."""
        out = np.empty(self.rows.shape[0], dtype=self.user.dtype)
        for spans, user in zip(self.spans, self.user.tolist(), strict=True):
            out[spans[0][0] : spans[-1][1]] = user
        return out


def _session_groups(pieces: list[HumanPiece]) -> list[list[HumanPiece]]:
    by_session: dict[tuple[str, str], list[HumanPiece]] = {}
    for p in pieces:
        by_session.setdefault((p.user, p.session), []).append(p)
    groups: list[list[HumanPiece]] = []
    for _, ps in sorted(by_session.items()):
        groups += [ps[i : i + VISIT_SIZE] for i in range(0, len(ps) - VISIT_SIZE + 1, VISIT_SIZE)]
    return groups


def _bot_pieces(
    family: str, group: list[HumanPiece], donors: list[HumanPiece], rng: np.random.Generator
) -> list[Array]:
    """One configured tool's pieces on the visit ``group``'s starts and targets."""
    jobs = [bot_job(h, rng) for h in group]
    state = int(rng.integers(2**31))
    if family == "ghost_cursor":
        # ghost-cursor draws its own randomness per move; one node call per visit.
        srcs = generate(family, jobs, np.random.default_rng(state))
    else:
        srcs = [generate(family, [job], np.random.default_rng(state))[0] for job in jobs]
    copy_click = rng.random() < 0.5
    sigma = DEFAULT_JITTER.amount(rng) if rng.random() < DEFAULT_JITTER.share else 0.0
    out: list[Array] = []
    for src, h in zip(srcs, group, strict=True):
        if copy_click:
            src = with_click_timing(
                src, *click_timing(donors[int(rng.integers(len(donors)))].events)
            )
        if sigma:
            src = jitter_moves(src, sigma, rng)
        out.append(capture(src, is_sparse(h.events), rng))
    return out


def _section(pieces: list[Array], pauses: Array) -> Array:
    parts: list[Array] = []
    start = 0.0
    for piece, pause in zip(pieces, pauses, strict=False):
        parts.append(piece + np.array([start, 0.0, 0.0, 0.0]))
        start = float(parts[-1][-1, 0]) + float(pause)
    return np.vstack(parts)


def build_visits(
    root: Path,
    users: list[str],
    families: tuple[str, ...],
    rng: np.random.Generator,
    *,
    max_pieces: int = 2500,
    max_sessions: int = 0,
    bot_visits: int = 400,
) -> VisitSet:
    """The held-out users' visits and ``bot_visits`` visits of each family on them."""
    humans: list[HumanPiece] = []
    for user in users:
        humans.extend(load_user_pieces(root, user, rng, max_pieces, max_sessions))
    groups = _session_groups(humans)
    raw: list[tuple[str, HumanPiece, list[Array]]] = [
        ("human", g[0], [h.events for h in g]) for g in groups
    ]
    for family in families:
        for i in rng.choice(len(groups), size=bot_visits, replace=True).tolist():
            raw.append((family, groups[i][0], _bot_pieces(family, groups[i], humans, rng)))
    rows: list[Array] = []
    spans: list[list[tuple[int, int]]] = []
    for _, _, pieces in raw:
        # One device for the whole visit: each piece's recorder draws the same pixel
        # ratio (and frame phase).
        device = int(rng.integers(2**31))
        browser = [to_browser(p, np.random.default_rng(device)) for p in pieces]
        pauses = rng.uniform(*PAUSE_MS, size=VISIT_SIZE)
        mine: list[tuple[int, int]] = []
        for k in range(1, VISIT_SIZE + 1):
            start = len(rows)
            section = pointer.section_of_array(_section(browser[:k], pauses))
            rows.extend(
                pointer.extract_span(section, lo, hi)[1:] for lo, hi in approaches.spans(section)
            )
            mine.append((start, len(rows)))
        spans.append(mine)
    return VisitSet(
        np.vstack(rows),
        spans,
        np.array([f for f, _, _ in raw]),
        np.array([first.user for _, first, _ in raw]),
        np.array([f"{first.user}/{first.session}" for _, first, _ in raw]),
    )


def visit_metrics(
    visits: VisitSet,
    score_rows: Callable[[Array], Array],
    families: tuple[str, ...],
    calibration: approaches.Calibration | None = None,
    evidence: Array | None = None,
) -> list[VisitMetrics]:
    """Per family: AUC and bots caught at 1% of people challenged, per visit length;
    then the same on each user's visits alone (``family (user)``: one capture rate)."""
    combined = visits.combined(score_rows(visits.rows), calibration, evidence)
    users = sorted(set(visits.user.tolist()))
    sessions = visits.session if visits.session is not None else np.arange(visits.user.size)
    out: list[VisitMetrics] = []
    for user in (None, *users):
        mine = np.ones(visits.user.size, dtype=bool) if user is None else visits.user == user
        people = mine & (visits.family == "human")
        human = combined[people]
        for family in families:
            bot = combined[mine & (visits.family == family)]
            if not bot.size or not human.size:
                continue
            last = VISIT_SIZE - 1
            out.append(
                VisitMetrics(
                    family if user is None else f"{family} ({user})",
                    bot.shape[0],
                    human.shape[0],
                    tuple(auc(human[:, k], bot[:, k]) for k in range(VISIT_SIZE)),
                    tuple(catch_rate(human[:, k], bot[:, k])[0] for k in range(VISIT_SIZE)),
                    catch_rate_interval(human[:, last], bot[:, last], sessions[people], seed=7),
                )
            )
    return out


def visit_calibration(
    visits: VisitSet,
    score_rows: Callable[[Array], Array],
    families: tuple[str, ...],
    calibration: approaches.Calibration | None = None,
    evidence: Array | None = None,
) -> tuple[float, ...]:
    """ECE of the combined score per visit length: people's visits and ``families``'
    weighted equally, as the single-approach calibration is read."""
    combined = visits.combined(score_rows(visits.rows), calibration, evidence)
    keep = np.isin(visits.family, ("human", *families))
    y = (visits.family[keep] == "human").astype(np.float64)
    return tuple(expected_calibration_error(combined[keep, k], y) for k in range(VISIT_SIZE))


def format_visit_table(rows: list[VisitMetrics]) -> str:
    head = " | ".join(f"{k} approach{'es' if k > 1 else ''}" for k in range(1, VISIT_SIZE + 1))
    lines = [
        f"| bot family | visits | people's visits | caught @ 1% people: {head} | 95% interval, "
        f"{VISIT_SIZE} | AUC, {VISIT_SIZE} approaches |",
        "| --- | --- | --- | " + "--- | " * VISIT_SIZE + "--- | --- |",
    ]
    for r in rows:
        caught = " | ".join(f"{100 * c:.1f}%" for c in r.caught_at_1pct)
        lo, hi = r.caught_interval
        lines.append(
            f"| {r.family} | {r.visits} | {r.humans} | {caught} | "
            f"{100 * lo:.1f}-{100 * hi:.1f}% | {r.auc[-1]:.4f} |"
        )
    return "\n".join(lines)
