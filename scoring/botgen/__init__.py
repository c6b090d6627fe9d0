"""Bot movement generators for training and evaluation (not used at serving time)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from scoring.botgen import families
from scoring.botgen.families import Job
from scoring.botgen.ghost import ghost_cursor_available, ghost_cursor_batch
from scoring.botgen.lognormal import lognormal
from scoring.botgen.natural import natural
from scoring.botgen.oxymouse import oxymouse
from scoring.botgen.randomized import randomized
from scoring.botgen.smoothed import smoothed
from scoring.features._grid import Array

__all__ = [
    "EVALUATION_ONLY",
    "FAMILIES",
    "TRAINING_AIDS",
    "TRAINING_SHARES",
    "Job",
    "generate",
    "ghost_cursor_available",
]

_Single = Callable[[Job, np.random.Generator], Array]
_SINGLE: dict[str, _Single] = {
    "tween": families.tween,
    "puppeteer": families.puppeteer,
    "bezier": families.bezier,
    "windmouse": families.windmouse,
    "minjerk": families.minjerk,
    "replay": families.replay,
    "lognormal": lognormal,
    "smoothed": smoothed,
    "natural": natural,
    "oxymouse": oxymouse,
}
FAMILIES: tuple[str, ...] = ("ghost_cursor", *_SINGLE)
# Generators that stand for no tool and are only trained on: never a held-out family,
# never in a test set or a visit, never recombined (:mod:`scoring.botgen.randomized`).
_AIDS: dict[str, _Single] = {"randomized": randomized}
TRAINING_AIDS: tuple[str, ...] = tuple(_AIDS)
# Training bots of a family, as a share of the others'. Sigma-lognormal movers are
# close to people: at a full share the model gave up 2-10 points on other families
# left out of training (bezier the most) to catch 80% of them; at a quarter it catches
# 68% (25% without them) and the others stay within about a point (docs/scoring.md).
# Smoothed recordings (a person's path without a hand's fine structure) at half: a
# full share cost tween and the sigma-lognormal movers 1-3 points held out.
# Randomised smooth movers at twice a family's share: held out, every family but the
# human-derived ones gained with their count (0.5x, 1x, 2x, 4x: mean caught +1.3,
# +2.2, +3.1, +3.9 points over two seeds).
TRAINING_SHARES: dict[str, float] = {"lognormal": 0.25, "smoothed": 0.5, "randomized": 2.0}
# Families no model is trained on: the shipped model's figures on them are what it
# does against a tool it has never seen. NaturalMouseMotion's movers, trained on at a
# quarter or a full share, cost the other families more than they gained (their
# chains of overshoots and reaction pauses sit among the people's corrections).
# OxyMouse's movers were added after the shipped model and never trained on.
EVALUATION_ONLY: frozenset[str] = frozenset({"natural", "oxymouse"})


def generate(family: str, jobs: list[Job], rng: np.random.Generator) -> list[Array]:
    """Source events of one bot piece per job (see :mod:`scoring.botgen.families`)."""
    if family == "ghost_cursor":
        return ghost_cursor_batch(jobs, rng)
    fn = _SINGLE[family] if family in _SINGLE else _AIDS[family]
    return [fn(job, rng) for job in jobs]
