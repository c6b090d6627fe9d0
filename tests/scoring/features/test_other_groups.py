"""Keys, scroll and touch features, and the registry."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.features import (
    FEATURE_GROUPS,
    POINTER_MODEL_FEATURES,
    extract_all,
    keys,
    scroll,
    touch,
)
from scoring.schema import Signals
from tests.scoring.conftest import signals

K = {n: i for i, n in enumerate(keys.NAMES)}
S = {n: i for i, n in enumerate(scroll.NAMES)}
T = {n: i for i, n in enumerate(touch.NAMES)}


def test_keys_hold_and_flight() -> None:
    # Three letters: holds 80, 100, 120 ms; downs 200 ms apart.
    ev = [(0.0, 0, 0), (80.0, 1, 0), (200.0, 0, 0), (300.0, 1, 0), (400.0, 0, 2), (520.0, 1, 2)]
    v = keys.extract(ev)
    assert v[K["keys.missing"]] == 0.0
    assert v[K["keys.count"]] == 3.0
    assert v[K["keys.hold_mean"]] == pytest.approx(100.0)
    assert v[K["keys.hold_cv"]] == pytest.approx(np.std([80, 100, 120]) / 100.0)
    assert v[K["keys.hold_zero_frac"]] == 0.0
    assert v[K["keys.flight_mean"]] == pytest.approx(200.0)
    assert v[K["keys.flight_cv"]] == pytest.approx(0.0)
    assert v[K["keys.unpaired_frac"]] == 0.0


def test_keys_missing_and_zero_hold() -> None:
    assert keys.extract(None)[K["keys.missing"]] == 1.0
    v = keys.extract([(float(t), k, 0) for t in (0, 50, 100) for k in (0, 1)])
    assert v[K["keys.hold_zero_frac"]] == 1.0


def test_scroll_and_jumps() -> None:
    v = scroll.extract([(0.0, 0.0, 0.0), (10.0, 0.0, 100.0), (20.0, 0.0, 2000.0)])
    assert v[S["scroll.count"]] == 3.0
    assert v[S["scroll.distance"]] == pytest.approx(2000.0)
    assert v[S["scroll.jump_frac"]] == pytest.approx(0.5)
    assert scroll.extract([])[S["scroll.missing"]] == 1.0


def test_touch_tap() -> None:
    v = touch.extract([(0.0, 10.0, 10.0, 1, 1), (5.0, 13.0, 14.0, 0, 1), (95.0, 13.0, 14.0, 2, 0)])
    assert v[T["touch.tap_ms"]] == pytest.approx(95.0)
    assert v[T["touch.path_len"]] == pytest.approx(5.0)
    assert v[T["touch.straightness"]] == pytest.approx(1.0)
    assert v[T["touch.max_points"]] == 1.0


def test_registry_covers_every_section() -> None:
    out = extract_all(Signals())
    assert set(out) == set(FEATURE_GROUPS) == {"pointer", "keys", "scroll", "touch"}
    for name, vec in out.items():
        assert vec[0] == 1.0, name  # every group is "missing" on an empty payload
        assert vec.shape == (len(FEATURE_GROUPS[name].names),)
    present = extract_all(signals(keys=[[0, 0, 0], [90, 1, 0]]))
    assert present["keys"][0] == 0.0 and present["pointer"][0] == 1.0


def test_model_features_are_the_pointer_group() -> None:
    assert FEATURE_GROUPS["pointer"].names[1:] == POINTER_MODEL_FEATURES
