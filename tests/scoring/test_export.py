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
