"""The shared recording path produces what the widget sends."""

from __future__ import annotations

import numpy as np

from scoring.recorder import THROTTLE_MS, TIMER_MS, capture, is_sparse, to_browser
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


def test_sparse_capture_throttles_moves_to_about_every_hundred_ms() -> None:
    src = np.asarray(line_events(200, 16.0, 2.0), dtype=np.float64)  # 3.2 s at 60 Hz
    for seed in range(10):
        out = capture(src, True, np.random.default_rng(seed))
        moves = out[out[:, 3] == 0.0]
        gaps = np.diff(moves[:, 0])
        # At least a throttle interval apart (less one timer tick of quantisation),
        # except the position that goes out with the press.
        assert np.all(gaps[:-1] >= THROTTLE_MS[0] - TIMER_MS)
        assert np.median(gaps) <= THROTTLE_MS[1] + TIMER_MS
        assert moves[0, 1:3].tolist() == [100.0, 200.0]


def test_the_press_reports_a_position_the_throttle_held_back() -> None:
    # The pointer moves for 40 ms after the first (sent) move, less than any throttle
    # interval, then rests for 120 ms before the press: its resting position goes out
    # with the press, as in two thirds of the recorded sparse pieces.
    src = np.asarray(line_events(5, 10.0, 5.0), dtype=np.float64)
    for seed in range(10):
        out = capture(src, True, np.random.default_rng(seed))
        moves, press = out[out[:, 3] == 0.0], out[out[:, 3] == 1.0][0]
        assert moves[:, 1:3].tolist() == [[100.0, 200.0], [120.0, 200.0]]
        assert moves[-1, 0] == press[0] and press[1:3].tolist() == [120.0, 200.0]
    # Dense capture keeps every move: the rest shows as a dwell before the press.
    dense = capture(src, False, np.random.default_rng(0))
    dense_moves = dense[dense[:, 3] == 0.0]
    assert dense[dense[:, 3] == 1.0][0, 0] - dense_moves[-1, 0] > 100.0
