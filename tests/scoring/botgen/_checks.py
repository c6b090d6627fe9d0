"""What every generated bot piece must be, whatever its family."""

from __future__ import annotations

import numpy as np

from scoring.botgen.families import Job
from scoring.features._grid import Array

# A job from (100, 500) to a 40x20 box at (600, 200); the template is only a placeholder.
TEMPLATE = np.array([[0.0, 0.0, 0.0, 0.0], [16.0, 3.0, 2.0, 0.0], [120.0, 3.0, 2.0, 1.0]])
JOB = Job((100.0, 500.0), (600.0, 200.0, 40.0, 20.0), TEMPLATE)


def assert_moves_then_clicks_in_the_box(ev: Array) -> None:
    """``ev`` (source events of :data:`JOB`) starts at the start, ends inside the middle
    of the box, presses and releases there, in time order, on whole pixels, and sends
    no move that does not move (the browser fires none)."""
    moves, press, release = ev[ev[:, 3] == 0], ev[ev[:, 3] == 1], ev[ev[:, 3] == 2]
    assert moves[0, 1:3].tolist() == [100.0, 500.0]
    target = moves[-1, 1:3]
    assert 600 + 0.2 * 40 - 1 <= target[0] <= 600 + 0.8 * 40 + 1
    assert 200 + 0.2 * 20 - 1 <= target[1] <= 200 + 0.8 * 20 + 1
    assert press[0, 1:3].tolist() == release[0, 1:3].tolist() == target.tolist()
    assert np.all(np.diff(ev[:, 0]) >= 0.0)
    assert np.all(moves[:, 1:3] == np.round(moves[:, 1:3]))
    assert np.all(np.any(np.diff(moves[:, 1:3], axis=0) != 0, axis=1))
