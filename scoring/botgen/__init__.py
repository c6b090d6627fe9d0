"""Bot movement generators for training and evaluation (not used at serving time)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from scoring.botgen import families
from scoring.botgen.families import Job
from scoring.botgen.ghost import ghost_cursor_available, ghost_cursor_batch
from scoring.features._grid import Array

__all__ = ["FAMILIES", "Job", "generate", "ghost_cursor_available"]

_Single = Callable[[Job, np.random.Generator], Array]
_SINGLE: dict[str, _Single] = {
    "tween": families.tween,
    "puppeteer": families.puppeteer,
    "bezier": families.bezier,
    "windmouse": families.windmouse,
    "minjerk": families.minjerk,
    "replay": families.replay,
}
FAMILIES: tuple[str, ...] = ("ghost_cursor", *_SINGLE)


def generate(family: str, jobs: list[Job], rng: np.random.Generator) -> list[Array]:
    """Source events of one bot piece per job (see :mod:`scoring.botgen.families`)."""
    if family == "ghost_cursor":
        return ghost_cursor_batch(jobs, rng)
    fn = _SINGLE[family]
    return [fn(job, rng) for job in jobs]
