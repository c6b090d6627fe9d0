"""Consistency: how alike a visit's approaches are, against people's visits."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from scoring import RequestContext, load_default_scorer
from scoring.consistency import (
    CONSISTENCY_KEY,
    LAYOUT_FEATURES,
    LEVELS,
    Reference,
    fit_reference,
    reference_of,
    spreads,
)
from scoring.features import pointer
from scoring.humans import load_user_pieces
from scoring.recorder import to_browser
from tests.conftest import REPO
from tests.scoring.conftest import signals
from tests.scoring.test_approaches import _visit

HUMANS = REPO.parent / "shared" / "data" / "mouse-human"


def test_spreads_are_log_standard_deviations_in_units_of_the_scale() -> None:
    rows = np.array([[1.0, 2.0, 5.0], [3.0, 2.0, np.nan]])
    spread, present = spreads(rows, np.array([1.0, 2.0, 1.0]))
    # Feature 0: values 1 and 3, sd 1. Feature 1: the same value twice, sd 0.
    assert spread[0] == pytest.approx(math.log(1e-3 + 1.0))
    assert spread[1] == pytest.approx(math.log(1e-3))
    # Feature 2 has one value: nothing to spread.
    assert present.tolist() == [True, True, False]
    spread, _ = spreads(rows, np.array([0.5, 1.0, 1.0]))
    assert spread[0] == pytest.approx(math.log(1e-3 + 2.0))


def _reference(levels_at: list[float]) -> Reference:
    """Two features; people's spread quantiles at ``levels_at`` (one per level) for both."""
    q = np.array([levels_at, levels_at])
    return Reference(np.ones(2), {2: q})


def test_evidence_is_the_mean_log_of_twice_the_share_below_the_median() -> None:
    ref = _reference([float(v) for v in np.linspace(-6.0, 0.0, len(LEVELS))])
    # Spread 0 on both features (log spread -6.9): rarer than every level, read as
    # the lowest level (never rarer than people's visits showed).
    same = np.array([[1.0, 2.0], [1.0, 2.0]])
    assert ref.evidence(same) == pytest.approx(math.log(2 * LEVELS[0]))
    # Spread sd = 1.5 (log 0.41): above the median on both, no evidence.
    varied = np.array([[0.0, 0.0], [3.0, 3.0]])
    assert ref.evidence(varied) == 0.0
    # One feature alike, the other varied: half of the first's term.
    mixed = np.array([[1.0, 0.0], [1.0, 3.0]])
    assert ref.evidence(mixed) == pytest.approx(math.log(2 * LEVELS[0]) / 2)
    # A spread between two stored quantiles takes the upper level's share.
    sd = math.exp(-6.0 + 6.0 / 9 * 4.5) - 1e-3  # between levels 4 and 5
    between = np.array([[0.0, 0.0], [2 * sd, 3.0]])
    assert ref.evidence(between) == pytest.approx(math.log(2 * LEVELS[5]) / 2)


def test_a_missing_feature_or_count_is_no_evidence() -> None:
    ref = _reference([float(v) for v in np.linspace(-6.0, 0.0, len(LEVELS))])
    one_value = np.array([[1.0, np.nan], [1.0, np.nan]])
    assert ref.evidence(one_value) == pytest.approx(math.log(2 * LEVELS[0]) / 2)
    # No quantiles for three approaches: nothing to compare with.
    assert ref.evidence(np.ones((3, 2))) == 0.0


def test_serving_compares_as_the_definition_does() -> None:
    """Evidence compares variances with the quantiles turned to variances; the same
    answer as log spreads against the quantiles, ties at 0 and missing values included."""
    rng = np.random.default_rng(6)
    features = 9
    people = [rng.normal(0.0, 1.0, (k, features)) for k in (2, 3, 4) for _ in range(300)]
    for v in people[::3]:
        v[:, 0] = 1.0  # a count people often repeat: their spread is 0
    by_count: dict[int, list[np.ndarray]] = {}
    for v in people:
        by_count.setdefault(v.shape[0], []).append(v)
    ref = Reference.from_json(fit_reference(np.vstack(people), by_count))
    log_2p = np.log(2.0 * np.array((*LEVELS, 0.5)))
    for _ in range(600):
        k = int(rng.integers(2, 5))
        rows = rng.normal(0.0, 1.0, (k, features)) * rng.choice([1e-4, 0.1, 1.0, 3.0])
        rows[:, rng.random(features) < 0.2] = 0.7  # identical values
        rows[rng.random((k, features)) < 0.05] = np.nan
        spread, present = spreads(rows, ref.scale)
        terms = log_2p[(spread[:, None] >= ref.quantiles[k]).sum(axis=1)]
        expected = float(np.where(present, terms, 0.0).mean())
        assert ref.evidence_with(rows, compiled=False) == pytest.approx(expected, abs=1e-12)
        # The compiled loop (numba, when installed) gives the same value.
        assert ref.evidence_with(rows, compiled=True) == pytest.approx(expected, abs=1e-12)


def test_a_fitted_reference_tells_a_tool_from_people_it_never_saw() -> None:
    rng = np.random.default_rng(4)
    features = 6

    def person() -> np.ndarray:
        return rng.normal(0.0, 1.0, (3, features))

    def tool() -> np.ndarray:
        # One configuration: the same movement each time, a little noise.
        return rng.normal(0.0, 1.0, features) + rng.normal(0.0, 0.02, (3, features))

    people = [person() for _ in range(2000)]
    fitted = fit_reference(np.vstack(people), {3: people})
    # It travels as JSON in the model's metadata.
    ref = reference_of({CONSISTENCY_KEY: json.dumps(fitted)})
    assert ref is not None and set(ref.quantiles) == {3}
    assert ref.quantiles[3].shape == (features, len(LEVELS))
    new_people = np.array([ref.evidence(person()) for _ in range(500)])
    tools = np.array([ref.evidence(tool()) for _ in range(500)])
    assert (new_people <= 0.0).all() and (tools <= 0.0).all()
    # People's visits are rarely much more alike than people's; a tool's always are.
    assert np.quantile(new_people, 0.99) > -1.0 > float(tools.max())
    assert reference_of({}) is None


def _people_visits(count: int) -> list[list[list[list[float]]]]:
    """``count`` visits of four consecutive pieces of a held-out user, as a browser
    records them (the model never trained on this user)."""
    if not HUMANS.is_dir():
        pytest.skip("no human data at ../shared/data")
    rng = np.random.default_rng(11)
    pieces = load_user_pieces(HUMANS, "user9", rng, max_pieces=4 * count)
    paths = [
        [[t, x, y, int(k)] for t, x, y, k in to_browser(p.events, rng).tolist()] for p in pieces
    ]
    return [paths[i : i + 4] for i in range(0, 4 * count, 4)]


def test_features_that_follow_the_page_layout_are_never_evidence() -> None:
    """On a form with evenly spaced fields a person's approaches are all one length:
    their durations and speeds agree because of the page, not because of a tool."""
    rng = np.random.default_rng(7)
    names = ("pointer.duration", "pointer.straightness")
    people = [rng.normal(0.0, 1.0, (2, 2)) for _ in range(1000)]
    fitted = fit_reference(np.vstack(people), {2: people}, names)
    ref = Reference.from_json(fitted)
    same_length = np.array([[3.0, 0.0], [3.0, 2.0]])  # alike duration, varied path
    assert ref.evidence(same_length) == 0.0
    same_path = np.array([[0.0, 0.5], [2.0, 0.5]])
    assert ref.evidence(same_path) == pytest.approx(math.log(2 * LEVELS[0]) / 2)
    assert {"pointer.duration", "pointer.displacement", "pointer.speed_max"} <= LAYOUT_FEATURES


def test_the_shipped_model_reads_one_approach_made_four_times_as_a_tool() -> None:
    scorer = load_default_scorer()
    ref = reference_of(scorer.registry.models.active.metadata)
    assert ref is not None
    ctx = RequestContext()
    visits = _people_visits(30)
    people = [scorer.score(signals(pointer=_visit(*v)), ctx) for v in visits]
    # A person's approaches are rarely more alike than people's.
    assert sum("pointer.alike" in r.reasons for r in people) <= 2
    # One of those people's approaches, replayed four times as a recording tool would.
    piece = visits[0][0]
    alone = scorer.score(signals(pointer=piece), ctx).channels["pointer"]
    repeated = scorer.score(signals(pointer=_visit(*[piece] * 4)), ctx)
    got, theirs = repeated.channels["pointer"], people[0].channels["pointer"]
    assert alone is not None and got is not None and theirs is not None
    assert got < 0.05 < min(alone, theirs)
    assert "pointer.alike" in repeated.reasons
    # The evidence comes from the approaches' rows, one feature pass each.
    same = np.vstack([pointer.extract(piece)[1:]] * 4)
    different = np.vstack([pointer.extract(p)[1:] for p in visits[0]])
    assert ref.evidence(same) < -1.0 < ref.evidence(different) <= 0.0
