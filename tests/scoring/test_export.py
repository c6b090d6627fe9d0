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
