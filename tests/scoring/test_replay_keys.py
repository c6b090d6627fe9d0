"""The replay-key measurement's keys: the same path under a similarity transform gives
the same keys, a straight or short path none."""

from __future__ import annotations

import numpy as np

from scoring.replay_keys import path_keys


def _events(z: np.ndarray) -> np.ndarray:
    rows = np.column_stack((np.arange(z.size) * 16.0, z.real, z.imag, np.zeros(z.size)))
    press = [[rows[-1, 0] + 100.0, z[-1].real, z[-1].imag, 1.0]]
    return np.vstack((rows, press))


def test_a_moved_scaled_rotated_copy_has_the_same_keys() -> None:
    s = np.linspace(0.0, 1.0, 40)
    arc = 400.0 * s + 1j * 120.0 * np.sin(np.pi * s) * (1.0 + 0.3 * s)
    copy = arc * (0.6 * np.exp(0.7j)) + (250.0 + 90.0j)
    keys = path_keys(_events(arc), points=16, cell=0.05)
    assert keys is not None and len(keys) == 2
    assert path_keys(_events(copy), points=16, cell=0.05) == keys
    bent_other_way = np.conj(arc)
    assert not keys & (path_keys(_events(bent_other_way), points=16, cell=0.05) or set())


def test_straight_or_short_paths_have_no_keys() -> None:
    s = np.linspace(0.0, 1.0, 40)
    assert path_keys(_events(300.0 * s + 0.5j * s), points=16, cell=0.05) is None
    assert (
        path_keys(_events(np.array([0, 10 + 5j, 20 + 20j, 30 + 40j])), points=16, cell=0.05) is None
    )


def test_nearest_other_skips_the_same_owner() -> None:
    from scoring.replay_keys import nearest_other

    shapes = np.array([[0.0, 0.0], [0.1, 0.0], [3.0, 4.0], [0.0, 2.0]])
    owners = np.array(["a", "a", "b", "c"])
    # RMS over the two coordinates: a's nearest stranger is c at distance 2 (or 2.0025).
    expected = [2.0 / np.sqrt(2), np.hypot(0.1, 2.0) / np.sqrt(2), np.hypot(3, 2) / np.sqrt(2)]
    expected.append(2.0 / np.sqrt(2))
    np.testing.assert_allclose(nearest_other(shapes, owners, chunk=3), expected)
