"""Training and evaluation sets: human pieces and bot pieces, one recording path.

Humans come from :mod:`scoring.humans`; every bot piece is built from a human
piece of the same users (its start and click position, for the replay family its
path), captured like that human's recording (:func:`scoring.recorder.capture`).
Both then pass through :func:`scoring.recorder.to_browser` and the serving-time
feature extractor, so the model sees exactly what it will see in production.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from scoring.botgen import FAMILIES, Job, generate
from scoring.botgen.mixed import compose, mix_label
from scoring.features import POINTER_MODEL_FEATURES, pointer
from scoring.features._grid import Array
from scoring.humans import HumanPiece, load_user_pieces
from scoring.recorder import capture, is_sparse, to_browser

__all__ = [
    "DEFAULT_JITTER",
    "MODEL_FEATURES",
    "RECORDINGS",
    "Humanizer",
    "Recording",
    "Split",
    "bot_job",
    "build_split",
    "click_timing",
    "concat",
    "delay_moves",
    "jitter_moves",
    "model_input",
    "with_click_timing",
]

MODEL_FEATURES = POINTER_MODEL_FEATURES

# How a split's pieces reach the extractor. "dataset" is training's: each bot captured
# like the human piece it was built on, then humans and bots through the widget's
# browser step. The other two check that a model did not learn that path instead of
# the movement: "browser" leaves out the capture (a bot driving a real browser is not
# recorded over remote desktop), "raw" leaves out both (pieces as recorded and as
# generated, in the wire format, the way an outside tool may write them).
Recording = Literal["dataset", "browser", "raw"]
RECORDINGS: tuple[Recording, ...] = ("dataset", "browser", "raw")


def _raw(ev: Array) -> Array:
    out = ev.copy()
    out[:, 0] -= out[0, 0]
    return out


def model_input(events: Array) -> Array:
    """Model row of one browser-format piece."""
    return pointer.extract_array(events)[1:]


@dataclass(frozen=True, slots=True)
class Split:
    """Feature rows with labels (1 human, 0 bot), family ('human' for people) and user."""

    X: Array
    y: Array
    family: np.ndarray
    user: np.ndarray

    def select(self, mask: np.ndarray) -> Split:
        return Split(self.X[mask], self.y[mask], self.family[mask], self.user[mask])


def concat(*splits: Split) -> Split:
    """The rows of ``splits``, in order."""
    return Split(
        np.vstack([s.X for s in splits]),
        np.concatenate([s.y for s in splits]),
        np.concatenate([s.family for s in splits]),
        np.concatenate([s.user for s in splits]),
    )


def bot_job(piece: HumanPiece, rng: np.random.Generator) -> Job:
    ev = piece.events
    press = ev[ev[:, 3] == 1.0][0]
    w = rng.uniform(20.0, 36.0)
    box = (press[1] - w * rng.uniform(0.2, 0.8), press[2] - w * rng.uniform(0.2, 0.8), w, w)
    return Job(start=(float(ev[0, 1]), float(ev[0, 2])), box=box, template=ev)


# Share of bots given a real person's click timing (dwell before the press and
# hold): any bot author can copy those two numbers, so the model must not lean
# on them, and on held-out families it otherwise would.
HUMAN_CLICK_SHARE = 0.5


def click_timing(ev: Array) -> tuple[float, float]:
    """Dwell (last move to press) and hold (press to release) of a piece, in ms."""
    kinds = ev[:, 3]
    press = int(np.flatnonzero(kinds == 1.0)[0])
    release = int(np.flatnonzero(kinds == 2.0)[0])
    last_move = float(ev[:press][kinds[:press] == 0.0][-1, 0])
    return float(ev[press, 0]) - last_move, float(ev[release, 0] - ev[press, 0])


def with_click_timing(ev: Array, dwell: float, hold: float) -> Array:
    out = ev.copy()
    kinds = out[:, 3]
    moves = out[kinds == 0.0]
    press = np.flatnonzero(kinds == 1.0)[0]
    release = np.flatnonzero(kinds == 2.0)[0]
    out[press, 0] = float(moves[-1, 0]) + dwell
    out[release, 0] = out[press, 0] + hold
    return out


@dataclass(frozen=True, slots=True)
class Humanizer:
    """A cheap humanizer some bots get: ``share`` of them, each with an amount
    uniform between ``low`` and ``high``."""

    low: float
    high: float
    share: float = 0.5

    def amount(self, rng: np.random.Generator) -> float:
        return float(rng.uniform(self.low, self.high))


# Gaussian position jitter (px) on half the bots of every set. Without it the model
# learns each family's smoothness instead of how hands move, and does worse on
# families it has not seen. Heavier jitter in training was measured and not kept
# (docs/scoring.md, Jitter).
DEFAULT_JITTER = Humanizer(0.3, 2.0)


def delay_moves(ev: Array, longest: float, rng: np.random.Generator) -> Array:
    """``ev`` with a sleep of up to ``longest`` ms before every move but the first;
    the button events after a move keep their time from it."""
    out = ev.copy()
    waits = np.asarray(rng.uniform(0.0, longest, out.shape[0]), dtype=np.float64)
    waits[0] = 0.0
    waits[out[:, 3] != 0.0] = 0.0
    out[:, 0] += np.cumsum(waits)
    return out


def jitter_moves(ev: Array, sigma: float, rng: np.random.Generator) -> Array:
    """``ev`` with Gaussian noise of ``sigma`` px on every move but the first and last."""
    out = ev.copy()
    moves = np.flatnonzero(out[:, 3] == 0.0)[1:-1]
    out[moves, 1:3] += rng.normal(0.0, sigma, (moves.size, 2))
    return out


def _add_mixed(
    humans: list[HumanPiece],
    rng: np.random.Generator,
    n: int,
    families: tuple[str, ...],
    add_bot: Callable[[Array, HumanPiece, str], None],
) -> None:
    pick = rng.choice(len(humans), size=n, replace=True)
    templates = [humans[i] for i in pick.tolist()]
    jobs = [bot_job(h, rng) for h in templates]
    pairs = [rng.choice(len(families), size=2, replace=False) for _ in range(n)]
    # Each family generates only for the jobs that use it, as path or as timing.
    made: dict[tuple[str, int], Array] = {}
    for k, family in enumerate(families):
        need = [i for i, (a, b) in enumerate(pairs) if k in (a, b)]
        for i, src in zip(need, generate(family, [jobs[i] for i in need], rng), strict=True):
            made[family, i] = src
    for i, (a, b) in enumerate(pairs):
        path_f, timing_f = families[int(a)], families[int(b)]
        src = compose(made[path_f, i], made[timing_f, i])
        add_bot(src, templates[i], mix_label(path_f, timing_f))


def build_split(
    root: Path,
    users: list[str],
    rng: np.random.Generator,
    max_pieces: int,
    bots_per_family: int,
    families: tuple[str, ...] = FAMILIES,
    max_sessions: int = 0,
    mixed: int = 0,
    shares: Mapping[str, float] | None = None,
    recording: Recording = "dataset",
    jitter: Humanizer = DEFAULT_JITTER,
    delays: Humanizer | None = None,
    aids: tuple[str, ...] = (),
) -> Split:
    """Humans of ``users`` and ``bots_per_family`` bots of each family built on them,
    then ``mixed`` recombined bots (one family's path, another's timing; see
    :mod:`scoring.botgen.mixed`), labelled ``path+timing``. ``shares`` scales some
    families' counts (training sets: :data:`scoring.botgen.TRAINING_SHARES`);
    ``recording`` is how pieces are recorded (:data:`Recording`); ``jitter`` which
    bots get position jitter (:func:`jitter_moves`) and ``delays`` which sleep at
    random before each move (:func:`delay_moves`; no set the model trains or is
    tested on has them: docs/scoring.md, Random sleeps). ``aids`` are generators made
    after those, like a family but never recombined
    (:data:`scoring.botgen.TRAINING_AIDS`)."""
    humans: list[HumanPiece] = []
    for user in users:
        humans.extend(load_user_pieces(root, user, rng, max_pieces, max_sessions))
    rows: list[Array] = []
    labels: list[float] = []
    fams: list[str] = []
    owners: list[str] = []
    for h in humans:
        ev = _raw(h.events) if recording == "raw" else to_browser(h.events, rng)
        rows.append(model_input(ev))
        labels.append(1.0)
        fams.append("human")
        owners.append(h.user)

    def add_bot(src: Array, template: HumanPiece, family: str) -> None:
        if rng.random() < HUMAN_CLICK_SHARE:
            donor = humans[int(rng.integers(len(humans)))].events
            src = with_click_timing(src, *click_timing(donor))
        if delays is not None and rng.random() < delays.share:
            src = delay_moves(src, delays.amount(rng), rng)
        if rng.random() < jitter.share:
            src = jitter_moves(src, jitter.amount(rng), rng)
        if recording == "dataset":
            ev = to_browser(capture(src, is_sparse(template.events), rng), rng)
        else:
            ev = to_browser(src, rng) if recording == "browser" else _raw(src)
        rows.append(model_input(ev))
        labels.append(0.0)
        fams.append(family)
        owners.append(template.user)

    def add_family(family: str) -> None:
        count = round(bots_per_family * (shares or {}).get(family, 1.0))
        pick = rng.choice(len(humans), size=count, replace=True)
        templates = [humans[i] for i in pick.tolist()]
        jobs = [bot_job(h, rng) for h in templates]
        for h, src in zip(templates, generate(family, jobs, rng), strict=True):
            add_bot(src, h, family)

    for family in families:
        add_family(family)
    if mixed and len(families) > 1:
        _add_mixed(humans, rng, mixed, families, add_bot)
    for family in aids:
        add_family(family)
    return Split(np.vstack(rows), np.asarray(labels), np.asarray(fams), np.asarray(owners))
