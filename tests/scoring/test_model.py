"""The shipped ONNX model: loads under the serving options, scores, states its version."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

from scoring.features import POINTER_MODEL_FEATURES, pointer
from scoring.model import DEFAULT_MODEL, ModelError, OnnxModel, version_of
from tests.scoring.conftest import line_events


@pytest.fixture(scope="module")
def model() -> OnnxModel:
    return OnnxModel.load(DEFAULT_MODEL)


def test_shipped_model_is_small_and_versioned(model: OnnxModel) -> None:
    content = DEFAULT_MODEL.read_bytes()
    assert len(content) <= 1_000_000
    assert model.version == "m-" + hashlib.sha256(content).hexdigest()[:16]
    assert model.version == version_of(content)
    assert model.feature_names == POINTER_MODEL_FEATURES
    ranges = json.loads(model.metadata["human_ranges"])
    assert set(ranges) == set(POINTER_MODEL_FEATURES)


def test_scores_are_probabilities_and_nan_is_accepted(model: OnnxModel) -> None:
    rng = np.random.default_rng(0)
    rows = rng.random((50, len(POINTER_MODEL_FEATURES)))
    rows[::3, 5:] = np.nan
    p = model.predict(rows)
    assert p.shape == (50,)
    assert np.all((p >= 0.0) & (p <= 1.0))
    assert len(set(np.round(p, 6).tolist())) > 1


def test_batch_equals_single_rows(model: OnnxModel) -> None:
    rows = np.vstack(
        [pointer.extract_array(np.asarray(line_events(n, 10.0, 3.0)))[1:] for n in (5, 20, 60)]
    )
    batch = model.predict(rows)
    single = np.array([model.predict(r[None, :])[0] for r in rows])
    np.testing.assert_allclose(batch, single, rtol=1e-6)


def test_straight_constant_speed_tween_scores_as_a_bot(model: OnnxModel) -> None:
    # A pyautogui-style linear move at constant speed with an instant click.
    ev = np.asarray(line_events(30, 50.0, 20.0))
    ev[-2:, 0] = ev[-3, 0] + np.array([100.0, 100.5])
    assert model.predict(pointer.extract_array(ev)[None, 1:])[0] < 0.2


def test_garbage_is_refused(tmp_path: object) -> None:
    with pytest.raises(ModelError):
        OnnxModel(b"not a model")
