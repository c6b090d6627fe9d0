"""The smoothed family: a recording's path and timing without its fine structure."""

from __future__ import annotations

import numpy as np

from scoring.botgen import Job
from scoring.botgen.smoothed import smoothed


def _shaky_recording() -> np.ndarray:
    """A curved 600 px sweep over 1.2 s at 60 Hz with 3 px of frame-to-frame shake."""
    rng = np.random.default_rng(3)
    t = np.arange(0.0, 1200.0, 16.0)
    u = t / t[-1]
    progress = 3 * u**2 - 2 * u**3
    x = 100.0 + 600.0 * progress + rng.normal(0.0, 3.0, t.size)
    y = 300.0 - 120.0 * np.sin(np.pi * progress) + rng.normal(0.0, 3.0, t.size)
    moves = np.column_stack((t, np.round(x), np.round(y), np.zeros(t.size)))
    end = moves[-1]
    click = [[end[0] + 150.0, end[1], end[2], 1.0], [end[0] + 240.0, end[1], end[2], 2.0]]
    return np.vstack((moves, click))


def _roughness(ev: np.ndarray) -> float:
    """RMS second difference of the moves' positions (pixels per event)."""
    moves = ev[ev[:, 3] == 0.0]
    return float(np.sqrt(np.mean(np.diff(moves[:, 1:3], n=2, axis=0) ** 2)))


def test_keeps_the_recorded_sweep_without_its_shake() -> None:
    recording = _shaky_recording()
    start = (float(recording[0, 1]), float(recording[0, 2]))
    job = Job(start=start, box=(690.0, 290.0, 20.0, 20.0), template=recording)
    for seed in range(8):
        ev = smoothed(job, np.random.default_rng(seed))
        moves = ev[ev[:, 3] == 0.0]
        assert tuple(moves[0, 1:3]) == start
        assert 690.0 <= ev[-2, 1] <= 710.0 and 290.0 <= ev[-2, 2] <= 310.0
        assert list(ev[-2:, 3]) == [1.0, 2.0]
        # The sweep's bow (120 px up at the middle) is kept, if blunted ...
        assert moves[:, 2].min() < 250.0
        # ... and the shake is gone, whether on the recording's times or a timer.
        assert _roughness(ev) < 0.5 * _roughness(recording)
        # Dwell and hold are the person's.
        assert ev[-1, 0] - ev[-2, 0] == 90.0
        assert abs((ev[-2, 0] - moves[-1, 0]) - 150.0) <= 6.0


def test_a_press_without_movement_still_clicks_the_target() -> None:
    recording = np.array([[0.0, 400.0, 300.0, 1.0], [80.0, 400.0, 300.0, 2.0]])
    job = Job(start=(400.0, 300.0), box=(500.0, 300.0, 20.0, 20.0), template=recording)
    ev = smoothed(job, np.random.default_rng(1))
    assert list(ev[-2:, 3]) == [1.0, 2.0]
    assert 500.0 <= ev[-2, 1] <= 520.0
