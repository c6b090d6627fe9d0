"""The three sets a training run builds (training only): the training users' pieces,
the calibration users' and the test users', each with the bots built on them.

:mod:`scoring.train` and :mod:`scoring.learning_curve` build them alike, so a figure
of one is comparable with the card of the other for the same seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from scoring.botgen import EVALUATION_ONLY, TRAINING_AIDS, TRAINING_SHARES
from scoring.botgen.mixed import mix_parts
from scoring.dataset import Split, build_split

__all__ = [
    "DEFAULT_CALIB_USERS",
    "SetSizes",
    "TrainingSets",
    "build_sets",
    "user_split",
    "without_family",
]

DEFAULT_CALIB_USERS = ("user15",)


def user_split(
    found: list[str], test: list[str], calib: list[str]
) -> tuple[list[str], list[str], list[str]] | None:
    """Training, calibration and test users: the training users are every user of
    ``found`` in neither of the others. None when a named user is not found or no
    training user is left."""
    train = [u for u in found if u not in test and u not in calib]
    if not train or not set(test) <= set(found) or not set(calib) <= set(found):
        return None
    return train, calib, test


@dataclass(frozen=True, slots=True, kw_only=True)
class SetSizes:
    """How much of the data a run uses: pieces per user, training bots per family
    (the calibration users get half), recombined training bots, sessions per user
    (0 = all)."""

    max_pieces: int = 2500
    bots: int = 2400
    mixed: int = 8000
    max_sessions: int = 0


@dataclass(frozen=True, slots=True)
class TrainingSets:
    train: Split
    calib: Split
    test: Split


def build_sets(
    root: Path,
    users: tuple[list[str], list[str], list[str]],
    families: tuple[str, ...],
    seed: int,
    sizes: SetSizes,
) -> TrainingSets:
    """``users`` are the training, calibration and test users. Training and
    calibration sets have the trained families (``families`` less the
    evaluation-only ones) at their training shares and the training aids; the test set
    has every family of ``families`` at a full share and no aid."""
    train_users, calib_users, test_users = users
    trained = tuple(f for f in families if f not in EVALUATION_ONLY)
    mp, ms = sizes.max_pieces, sizes.max_sessions
    train = build_split(
        root,
        train_users,
        np.random.default_rng([seed, 1]),
        mp,
        sizes.bots,
        trained,
        ms,
        sizes.mixed,
        TRAINING_SHARES,
        aids=TRAINING_AIDS,
    )
    calib = build_split(
        root,
        calib_users,
        np.random.default_rng([seed, 2]),
        mp,
        sizes.bots // 2,
        trained,
        ms,
        shares=TRAINING_SHARES,
        aids=TRAINING_AIDS,
    )
    test = build_split(
        root, test_users, np.random.default_rng([seed, 3]), mp, sizes.bots // 2, families, ms
    )
    return TrainingSets(train, calib, test)


def without_family(split: Split, family: str) -> np.ndarray:
    """Rows that are neither ``family`` nor a recombination using it: what a model
    held out from that family may train on."""
    return np.array([family not in mix_parts(str(f)) for f in split.family.tolist()])
