"""Builders for scoring tests: payloads and trajectories."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import msgspec
import numpy as np
import pytest

from scoring.schema import Signals, decode_signals


def signals(**sections: Any) -> Signals:
    """Signals decoded from JSON, exactly as edge_api would get them."""
    return decode_signals(msgspec.json.encode(sections))


def line_events(n: int, dt: float, step: float, *, click: bool = True) -> list[list[float]]:
    """A straight horizontal move at constant speed, then (optionally) a click.

    Rows are ``[t, x, y, kind]`` with an integer kind, as the wire format wants.
    """
    ev: list[list[float]] = [[i * dt, 100.0 + i * step, 200.0, 0] for i in range(n)]
    if click:
        t, x = ev[-1][0], ev[-1][1]
        ev += [[t + 120.0, x, 200.0, 1], [t + 210.0, x, 200.0, 2]]
    return ev


def grid_events(xs: Sequence[float], ys: Sequence[float]) -> list[list[float]]:
    """Moves at ``(xs[i], ys[i])`` every 20 ms (on the features' grid), then a click."""
    ev: list[list[float]] = [
        [20.0 * i, x, y, 0] for i, (x, y) in enumerate(zip(xs, ys, strict=True))
    ]
    t, x, y = ev[-1][0], ev[-1][1], ev[-1][2]
    return [*ev, [t + 120.0, x, y, 1], [t + 210.0, x, y, 2]]


def pointer_features(events: list[list[float]]) -> dict[str, float]:
    """Pointer features by name, checking that numpy and the compiled kernels agree."""
    from scoring.features import pointer

    ev = [(e[0], e[1], e[2], int(e[3])) for e in events]
    slow = pointer.extract_with(ev, compiled=False)
    np.testing.assert_allclose(pointer.extract(ev), slow, rtol=1e-9, atol=1e-12)
    return {n: float(v) for n, v in zip(pointer.NAMES, slow, strict=True)}


@pytest.fixture(scope="session")
def other_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second valid model (a tiny forest on random data): a shadow or swap target."""
    lgb = pytest.importorskip("lightgbm")
    from scoring.export import export_lightgbm
    from scoring.features import POINTER_MODEL_FEATURES

    rng = np.random.default_rng(3)
    x = rng.random((400, len(POINTER_MODEL_FEATURES)))
    y = (x[:, 0] + 0.2 * rng.random(400) > 0.6).astype(int)
    model = lgb.LGBMClassifier(n_estimators=5, num_leaves=4, verbose=-1, n_jobs=1).fit(x, y)
    path = tmp_path_factory.mktemp("models") / "other.onnx"
    path.write_bytes(export_lightgbm(model, POINTER_MODEL_FEATURES, (1.0, 0.0), {"seed": 3}))
    return path
