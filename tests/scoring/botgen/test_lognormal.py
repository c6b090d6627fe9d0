"""The sigma-lognormal family's strokes, against their closed forms."""

from __future__ import annotations

import math

import numpy as np

from scoring.botgen.lognormal import _stroke


def test_a_straight_stroke_covers_its_length_with_a_lognormal_profile() -> None:
    t = np.arange(0.0, 3.0, 0.001)
    z = _stroke(t, 0.1, math.log(0.2), 0.3, 400.0, 0.5, 0.0)
    assert abs(z[-1] - 400.0 * np.exp(0.5j)) < 1e-6
    assert np.all(z[t <= 0.1] == 0)
    speed = np.abs(np.diff(z)) / 0.001
    # A lognormal's mode: t0 + exp(mu - sigma^2), before its median t0 + exp(mu).
    assert abs(t[int(np.argmax(speed))] - (0.1 + math.exp(math.log(0.2) - 0.09))) < 0.002
    half = t[int(np.searchsorted(np.abs(z), 200.0))]
    assert abs(half - 0.3) < 0.002


def test_a_turning_stroke_follows_an_arc() -> None:
    t = np.arange(0.0, 3.0, 0.001)
    z = _stroke(t, 0.0, math.log(0.2), 0.3, 300.0, 0.0, 1.0)
    along = float(np.sum(np.abs(np.diff(z))))
    assert abs(along - 300.0) < 0.5  # the arc's length is the stroke's
    radius = 300.0 / 1.0
    assert abs(abs(z[-1]) - 2 * radius * math.sin(0.5)) < 1e-6  # its chord
    assert abs(np.angle(z[-1]) - 0.5) < 1e-9  # half the turn: the chord's heading
