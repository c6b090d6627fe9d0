"""How a split's pieces are recorded (skipped without the human data), and how much
jitter its bots get."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from scoring import dataset, recorder
from scoring.dataset import (
    DEFAULT_JITTER,
    Humanizer,
    Recording,
    build_split,
    delay_moves,
    model_input,
)
from scoring.humans import load_user_pieces

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "mouse-human"

needs_data = pytest.mark.skipif(not DATA.is_dir(), reason="no human data at ../shared/data")


@pytest.fixture
def sigmas(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The jitter each bot of a split gets, in order."""
    drawn: list[float] = []
    original = dataset.jitter_moves

    def recorded(ev: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
        drawn.append(sigma)
        return original(ev, sigma, rng)

    monkeypatch.setattr(dataset, "jitter_moves", recorded)
    return drawn


def _split(
    recording: Recording, families: tuple[str, ...] = (), jitter: Humanizer = DEFAULT_JITTER
) -> np.ndarray:
    split = build_split(
        DATA,
        ["user21"],
        np.random.default_rng(3),
        12,
        8,
        families,
        1,
        recording=recording,
        jitter=jitter,
    )
    return split.X


@needs_data
def test_raw_people_reach_the_extractor_as_recorded() -> None:
    pieces = load_user_pieces(DATA, "user21", np.random.default_rng(3), 12, 1)
    expected = np.vstack([model_input(p.events - [p.events[0, 0], 0, 0, 0]) for p in pieces])
    np.testing.assert_array_equal(_split("raw"), expected)


@needs_data
@pytest.mark.parametrize("recording", ["dataset", "browser"])
def test_people_go_through_the_browser_step_unless_raw(recording: Recording) -> None:
    rng = np.random.default_rng(3)
    pieces = load_user_pieces(DATA, "user21", rng, 12, 1)
    expected = np.vstack([model_input(recorder.to_browser(p.events, rng)) for p in pieces])
    np.testing.assert_array_equal(_split(recording), expected)
    # The raw pieces are not what the browser step makes of them (whole ms, 0.1 px).
    assert not np.array_equal(_split("raw"), expected)


@needs_data
@pytest.mark.parametrize(
    ("recording", "captured", "browsed"), [("dataset", 8, 20), ("browser", 0, 20), ("raw", 0, 0)]
)
def test_bots_are_captured_only_for_training(
    recording: Recording, captured: int, browsed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"capture": 0, "to_browser": 0}

    def counted(name: str, fn: Callable[..., np.ndarray]) -> Callable[..., np.ndarray]:
        def wrapper(*args: object) -> np.ndarray:
            calls[name] += 1
            return fn(*args)

        return wrapper

    monkeypatch.setattr(dataset, "capture", counted("capture", recorder.capture))
    monkeypatch.setattr(dataset, "to_browser", counted("to_browser", recorder.to_browser))
    rows = _split(recording, ("tween",))
    # 12 people and 8 bots; the browser step for each of both unless raw.
    assert rows.shape[0] == 20 and np.isfinite(rows[:, 0]).all()
    assert calls == {"capture": captured, "to_browser": browsed}


def test_bots_keep_the_jitter_they_always_had() -> None:
    # The same numbers as the draw it replaced: every set is as it was.
    a, b = np.random.default_rng(5), np.random.default_rng(5)
    assert [DEFAULT_JITTER.amount(a) for _ in range(50)] == [b.uniform(0.3, 2.0) for _ in range(50)]
    assert a.uniform() == b.uniform()


@needs_data
@pytest.mark.parametrize(("share", "jittered"), [(0.0, 0), (1.0, 8)])
def test_the_share_of_bots_given_jitter_is_the_draws(
    share: float, jittered: int, sigmas: list[float]
) -> None:
    _split("dataset", ("tween",), Humanizer(5.0, 5.0, share=share))
    assert sigmas == [5.0] * jittered


def test_random_sleeps_delay_each_move_and_keep_the_click_after_the_last() -> None:
    moves = [[16.0 * i, 10.0 * i, 5.0, 0] for i in range(30)]
    ev = np.array([*moves, [16.0 * 29 + 120.0, 290.0, 5.0, 1], [16.0 * 29 + 210.0, 290.0, 5.0, 2]])
    out = delay_moves(ev, 25.0, np.random.default_rng(2))
    np.testing.assert_array_equal(out[:, 1:], ev[:, 1:])  # where and what: unchanged
    waits = np.diff(out[:30, 0]) - np.diff(ev[:30, 0])
    assert out[0, 0] == 0.0 and waits.min() >= 0.0 and waits.max() <= 25.0
    assert waits.mean() == pytest.approx(12.5, abs=4.0)
    # The press 120 ms after the last move, the release 90 ms after the press, as before.
    assert out[30, 0] - out[29, 0] == pytest.approx(120.0)
    assert out[31, 0] - out[30, 0] == pytest.approx(90.0)
