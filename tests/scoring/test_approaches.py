"""Approaches: a section cut into its clicks, each scored alone, the logits averaged."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from scoring import RequestContext, approaches, load_default_scorer
from scoring.consistency import reference_of
from scoring.features import pointer
from scoring.model_scorer import ModelScorer
from tests.scoring.conftest import line_events, signals

CTX = RequestContext()


def _shifted(ev: list[list[float]], dt: float, dx: float = 0.0) -> list[list[float]]:
    return [[e[0] + dt, e[1] + dx, e[2], e[3]] for e in ev]


def _visit(*pieces: list[list[float]], gap: float = 2500.0) -> list[list[float]]:
    """Pieces one after another, ``gap`` ms apart, as the page records them."""
    out: list[list[float]] = []
    for piece in pieces:
        start = out[-1][0] + gap if out else 0.0
        out += _shifted(piece, start)
    return out


def _wavy(n: int, dt: float) -> list[list[float]]:
    """A curved, uneven move (not the straight line of ``line_events``), then a click."""
    rng = np.random.default_rng(n)
    x = 400.0 + np.cumsum(rng.uniform(2.0, 14.0, n))
    y = 300.0 + 40.0 * np.sin(np.linspace(0.0, 3.0, n)) + rng.normal(0.0, 1.5, n)
    t = np.cumsum(rng.uniform(0.6, 1.4, n) * dt)
    ev: list[list[float]] = [
        [float(a), float(b), float(c), 0] for a, b, c in zip(t, x, y, strict=True)
    ]
    last = ev[-1]
    return [*ev, [last[0] + 180.0, last[1], last[2], 1], [last[0] + 290.0, last[1], last[2], 2]]


def test_one_click_is_the_whole_section() -> None:
    ev = line_events(30, 16.0, 5.0)
    assert approaches.split(ev) == [ev]
    # Moves without a click are nothing the model reads.
    moves_only = line_events(30, 16.0, 5.0, click=False)
    assert approaches.split(moves_only) == []


def test_each_click_is_cut_after_the_previous_one() -> None:
    a, b, c = line_events(20, 16.0, 4.0), _wavy(40, 16.0), line_events(25, 20.0, 6.0)
    ev = _visit(a, b, c)
    parts = approaches.split(ev)
    assert len(parts) == 3
    # Each part is its piece, from the first move after the earlier release to its release.
    for part, piece in zip(parts, (a, b, c), strict=True):
        assert [e[1:] for e in part] == [e[1:] for e in piece]
        assert [e[3] for e in part[-2:]] == [1, 2]
    # Float kinds (numpy rows turned to lists) are cut the same way.
    as_floats = [[float(v) for v in e] for e in ev]
    assert [len(p) for p in approaches.split(as_floats)] == [len(p) for p in parts]
    # And it scores as that piece alone would (the features only see times relative to it).
    for part, piece in zip(parts, (a, b, c), strict=True):
        np.testing.assert_allclose(pointer.extract(part), pointer.extract(piece))
    # The scorer's way: one section's columns, each approach a span of them.
    section = pointer.section_of(ev)
    spans = approaches.spans(section)
    assert [ev[lo:hi] for lo, hi in spans] == parts
    for (lo, hi), part in zip(spans, parts, strict=True):
        np.testing.assert_array_equal(pointer.extract_span(section, lo, hi), pointer.extract(part))


def test_small_or_still_clicks_are_skipped() -> None:
    approach = _wavy(40, 16.0)
    double = [[0.0, 10.0, 10.0, 1], [90.0, 10.0, 10.0, 2]]  # a second click, no move
    nudge = line_events(10, 16.0, 1.0)  # 9 px
    ev = _visit(approach, double, nudge, gap=400.0)
    assert approaches.split(ev) == [ev[: len(approach)]]


def test_a_drag_is_not_an_approach() -> None:
    approach = _wavy(40, 16.0)
    moves = line_events(20, 16.0, 5.0, click=False)
    drag = [[0.0, 100.0, 200.0, 1], *_shifted(moves, 16.0), [340.0, 195.0, 200.0, 2]]
    ev = _visit(approach, drag, gap=400.0)
    assert approaches.split(ev) == [ev[: len(approach)]]


def test_with_nothing_readable_the_click_with_the_most_moves_is_read() -> None:
    double = [[0.0, 10.0, 10.0, 1], [90.0, 10.0, 10.0, 2]]  # a second click, no move
    nudge = line_events(10, 16.0, 1.0)  # 9 px: not an approach
    small = line_events(3, 16.0, 1.0)
    ev = _visit(nudge, double, small, double, gap=400.0)
    found = approaches.clicks(pointer.section_of(ev))
    assert found.readable == []
    assert found.fallback == (0, len(nudge))
    assert approaches.split(ev) == [ev[: len(nudge)]]
    # The newest of those with as many moves.
    ev = _visit(nudge, double, nudge, double, gap=400.0)
    start = len(nudge) + len(double)
    assert approaches.split(ev) == [ev[start : start + len(nudge)]]
    # No click with a move before it (moves after the last only): the whole section,
    # as a single click is read.
    ev = _visit(double, double, line_events(5, 16.0, 1.0, click=False), gap=400.0)
    assert approaches.split(ev) == [ev]
    assert approaches.clicks(pointer.section_of(ev)).fallback == (0, len(ev))


def test_at_most_the_last_four_approaches() -> None:
    pieces = [line_events(15 + i, 16.0, 5.0) for i in range(6)]
    parts = approaches.split(_visit(*pieces))
    assert len(parts) == approaches.MAX_APPROACHES == 4
    assert [len(p) for p in parts] == [len(p) for p in pieces[2:]]


def test_a_press_without_release_ends_its_approach() -> None:
    a = line_events(20, 16.0, 4.0)[:-1]  # released outside the window (or never)
    b = _wavy(30, 16.0)
    parts = approaches.split(_visit(a, b))
    assert [len(p) for p in parts] == [len(a), len(b)]


def test_combine_is_the_sigmoid_of_the_mean_logit() -> None:
    p = np.array([0.9, 0.2, 0.6])
    logit = [math.log(v / (1.0 - v)) for v in p]
    expected = 1.0 / (1.0 + math.exp(-sum(logit) / 3.0))
    assert approaches.combine(p) == pytest.approx(expected)
    assert approaches.combine(np.array([0.37])) == 0.37
    # A model's calibration for that number of approaches scales and shifts the mean.
    calibrated = approaches.combine(p, {3: (2.0, -0.5, 0.0), 2: (9.0, 9.0, 0.0)})
    assert calibrated == pytest.approx(1.0 / (1.0 + math.exp(-(2.0 * sum(logit) / 3.0 - 0.5))))
    # With the weight of the approaches' consistency evidence.
    weighted = approaches.combine(p, {3: (2.0, -0.5, 1.5)}, evidence=-0.4)
    assert weighted == pytest.approx(
        1.0 / (1.0 + math.exp(-(2.0 * sum(logit) / 3.0 - 0.5 - 1.5 * 0.4)))
    )
    # Models from before the evidence carry two numbers: its weight is 0.
    assert approaches.calibration_of({"visit_calibration": '{"3": [2.0, -0.5]}'}) == {
        3: (2.0, -0.5, 0.0)
    }
    assert approaches.calibration_of({"visit_calibration": '{"2": [1.0, 0.5, 2.5]}'}) == {
        2: (1.0, 0.5, 2.5)
    }
    assert approaches.evidence_weight(2, {2: (1.0, 0.5, 2.5)}) == 2.5
    assert approaches.evidence_weight(3, {2: (1.0, 0.5, 2.5)}) == 0.0
    assert approaches.calibration_of({}) == {}
    # A rounded 0 or 1 does not decide the mean alone.
    assert 0.0 < approaches.combine(np.array([0.0, 0.99, 0.99, 0.99])) < 0.5


@pytest.fixture(scope="module")
def scorer() -> ModelScorer:
    return load_default_scorer()


def test_the_score_combines_each_approach_scored_alone(scorer: ModelScorer) -> None:
    a, b = line_events(30, 16.0, 6.0), _wavy(45, 16.0)
    alone = [scorer.score(signals(pointer=x), CTX).channels["pointer"] for x in (a, b)]
    both = scorer.score(signals(pointer=_visit(a, b)), CTX)
    assert alone[0] is not None and alone[1] is not None
    metadata = scorer.registry.models.active.metadata
    calibration = approaches.calibration_of(metadata)
    reference = reference_of(metadata)
    rows = np.vstack([pointer.extract(x)[1:] for x in (a, b)])
    evidence = reference.evidence(rows) if reference is not None else 0.0
    assert both.channels["pointer"] == pytest.approx(
        approaches.combine(np.array(alone), calibration, evidence), abs=1e-3
    )
    if not calibration:
        lo, hi = sorted(alone)
        assert lo < both.channels["pointer"] < hi
    # Batched with other payloads, the same answer.
    batch = scorer.score_many([(signals(pointer=a), CTX), (signals(pointer=_visit(a, b)), CTX)])
    assert batch[1] == both


def test_the_shadow_compares_whole_submits(other_model: Path, scorer: ModelScorer) -> None:
    seen: list[tuple[str, str, float, float]] = []
    shadowed = load_default_scorer(shadow_path=other_model, on_shadow=lambda *a: seen.append(a))
    payload = signals(pointer=_visit(line_events(30, 16.0, 6.0), _wavy(45, 16.0)))
    assert shadowed.score(payload, CTX) == scorer.score(payload, CTX)
    assert shadowed.shadow_stats.scored == 1 == len(seen)
    active = scorer.score(payload, CTX).channels["pointer"]
    assert seen[0][2] == pytest.approx(active, abs=1e-4)


def test_clicks_in_place_are_passed_over_and_only_the_newest_moves_are_looked_at() -> None:
    approach = _wavy(40, 16.0)
    in_place = [[[0.0, 10.0, 10.0, 1], [60.0, 10.0, 10.0, 2]]] * (4 * approaches.MAX_SCANNED)
    # A burst of clicks in place after the approach: it is still found.
    ev = _visit(approach, *in_place, gap=200.0)
    assert approaches.split(ev) == [ev[: len(approach)]]
    # More clicks after small moves than the cut looks back over: it is not.
    nudged = [line_events(2, 16.0, 1.0)] * approaches.MAX_SCANNED
    ev = _visit(approach, *nudged, gap=200.0)
    assert approaches.split(ev) != [ev[: len(approach)]]
    # One fewer, and the approach is found again.
    ev = _visit(approach, *nudged[1:], gap=200.0)
    assert approaches.split(ev) == [ev[: len(approach)]]
