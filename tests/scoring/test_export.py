"""ONNX export: the same fitted model gives the same bytes (and so the same version id)."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.features import POINTER_MODEL_FEATURES
from scoring.model import version_of


def test_export_is_deterministic() -> None:
    lgb = pytest.importorskip("lightgbm")
    from scoring.export import export_lightgbm

    rng = np.random.default_rng(1)
    x = rng.random((300, len(POINTER_MODEL_FEATURES)))
    y = (x[:, 0] > 0.5).astype(int)
    model = lgb.LGBMClassifier(n_estimators=3, num_leaves=4, verbose=-1, n_jobs=1).fit(x, y)
    first = export_lightgbm(model, POINTER_MODEL_FEATURES, (1.0, 0.0), {"seed": 1})
    second = export_lightgbm(model, POINTER_MODEL_FEATURES, (1.0, 0.0), {"seed": 1})
    assert version_of(first) == version_of(second)
    assert first == second


def test_graph_is_lightgbm_with_platt_scaling() -> None:
    """The exported graph gives sigmoid(a * margin + b) of LightGBM's own margin,
    missing features included, and is one tree node plus a reshape and a sigmoid."""
    lgb = pytest.importorskip("lightgbm")
    import onnx

    from scoring.export import export_lightgbm
    from scoring.model import OnnxModel

    rng = np.random.default_rng(2)
    x = rng.random((2000, len(POINTER_MODEL_FEATURES)))
    x[rng.random(x.shape) < 0.1] = np.nan
    y = (np.nan_to_num(x[:, 0]) + 0.3 * rng.random(2000) > 0.6).astype(int)
    model = lgb.LGBMClassifier(n_estimators=60, num_leaves=7, verbose=-1, n_jobs=1).fit(x, y)
    a, b = 0.8, -0.3
    content = export_lightgbm(model, POINTER_MODEL_FEATURES, (a, b), {"seed": 2})
    margin = model.predict(x.astype(np.float32), raw_score=True)
    expected = 1.0 / (1.0 + np.exp(-(a * margin + b)))
    scores = OnnxModel(content).predict(x)
    assert scores.shape == (2000,)
    assert np.max(np.abs(scores - expected)) < 1e-5
    assert 0.05 < float(np.mean(scores > 0.5)) < 0.95  # both classes occur
    ops = [node.op_type for node in onnx.load_from_string(content).graph.node]
    assert ops == ["TreeEnsembleRegressor", "Reshape", "Sigmoid"]


def test_an_input_on_a_rounded_threshold_goes_the_way_lightgbm_sends_it() -> None:
    """A split between two doubles that round to the same float32 ``r`` has a double
    threshold just below ``r``; rounded to the nearest float32 it would be ``r`` itself,
    and the graph would send an input of exactly ``r`` left where LightGBM sends it
    right."""
    lgb = pytest.importorskip("lightgbm")
    from scoring.export import export_lightgbm
    from scoring.model import OnnxModel

    r = float(np.nextafter(np.float32(1.0), np.float32(2.0)))  # 1 + 2**-23
    low = r - 2.0**-26  # a double whose nearest float32 is r, below it
    x = np.zeros((400, len(POINTER_MODEL_FEATURES)))
    x[:200, 0], x[200:, 0] = low, r
    y = np.repeat([0, 1], 200)
    model = lgb.LGBMClassifier(
        n_estimators=1, num_leaves=2, min_child_samples=5, verbose=-1, n_jobs=1
    ).fit(x, y)
    threshold = model.booster_.dump_model()["tree_info"][0]["tree_structure"]["threshold"]
    assert low <= threshold < r == float(np.float32(threshold))
    probe = np.zeros((1, len(POINTER_MODEL_FEATURES)), dtype=np.float32)
    probe[0, 0] = r
    expected = 1.0 / (1.0 + np.exp(-model.predict(probe, raw_score=True)))
    got = OnnxModel(export_lightgbm(model, POINTER_MODEL_FEATURES, (1.0, 0.0), {})).predict(probe)
    assert expected[0] > 0.5  # LightGBM: right, with the r rows
    assert got[0] == pytest.approx(expected[0], abs=1e-6)
