"""Bot generators: valid, clicking inside the target, reproducible."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.botgen import FAMILIES, Job, generate, ghost_cursor_available
from tests.scoring.conftest import line_events


def _jobs(n: int) -> list[Job]:
    template = np.asarray(line_events(40, 16.0, 12.0), dtype=np.float64)
    template[:, 2] += np.sin(np.arange(template.shape[0]) / 5.0) * 20.0
    return [
        Job(start=(50.0 + 10 * i, 60.0), box=(700.0, 400.0, 28.0, 28.0), template=template)
        for i in range(n)
    ]


@pytest.mark.parametrize("family", FAMILIES)
def test_family_moves_and_clicks_in_the_box(family: str) -> None:
    if family == "ghost_cursor" and not ghost_cursor_available():
        pytest.skip(
            "ghost-cursor is not installed (npm install --prefix scoring/botgen ghost-cursor)"
        )
    out = generate(family, _jobs(5), np.random.default_rng(11))
    assert len(out) == 5
    for ev in out:
        assert ev.shape[1] == 4
        assert np.all(np.diff(ev[:, 0]) >= 0.0), family
        assert list(ev[-2:, 3]) == [1.0, 2.0]
        assert np.all(ev[:-2, 3] == 0.0)
        x, y = ev[-2, 1], ev[-2, 2]
        assert 699.0 <= x <= 729.0 and 399.0 <= y <= 429.0, (family, x, y)
        assert np.hypot(ev[0, 1] - ev[-2, 1], ev[0, 2] - ev[-2, 2]) > 100.0
    again = generate(family, _jobs(5), np.random.default_rng(11))
    for a, b in zip(out, again, strict=True):
        np.testing.assert_array_equal(a, b)
