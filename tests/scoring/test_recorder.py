"""The shared recording path produces what the widget sends."""

from __future__ import annotations

import numpy as np

from scoring.recorder import capture, is_sparse, to_browser
from scoring.schema import decode_signals
from tests.scoring.conftest import line_events


def _valid(ev: np.ndarray) -> None:
    rows = [[float(r[0]), float(r[1]), float(r[2]), int(r[3])] for r in ev]
    import msgspec

    assert decode_signals(msgspec.json.encode({"pointer": rows})).pointer is not None


def test_browser_stream_is_frame_coalesced_and_rounded() -> None:
    src = np.asarray(line_events(200, 1.0, 0.3), dtype=np.float64)  # 1 kHz source
    out = to_browser(src, np.random.default_rng(0))
    moves = out[out[:, 3] == 0.0]
    assert out[0, 0] == 0.0
    assert np.all(np.diff(out[:, 0]) >= 0.0)
    # At most one move per 60 Hz frame survives.
    assert moves.shape[0] <= 200 / (1000.0 / 60.0) + 2
    assert np.all(out[:, 0] == np.round(out[:, 0]))
    assert np.allclose(out[:, 1:3], np.round(out[:, 1:3], 1))
    assert list(out[-2:, 3]) == [1.0, 2.0]
    _valid(out)


def test_sparse_capture_is_sparse() -> None:
    src = np.asarray(line_events(300, 5.0, 1.0), dtype=np.float64)
    rng = np.random.default_rng(1)
    sparse, dense = capture(src, True, rng), capture(src, False, rng)
    assert is_sparse(sparse) and not is_sparse(dense)
    _valid(to_browser(sparse, rng))


def test_deterministic_for_a_seed() -> None:
    src = np.asarray(line_events(100, 4.0, 2.0), dtype=np.float64)
    a = to_browser(capture(src, False, np.random.default_rng(5)), np.random.default_rng(6))
    b = to_browser(capture(src, False, np.random.default_rng(5)), np.random.default_rng(6))
    np.testing.assert_array_equal(a, b)
