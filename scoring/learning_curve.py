"""How the held-out-family catch grows with the number of people trained on.

    python -m scoring.learning_curve --human ../shared/data/mouse-human [--seed 7]

The sets are the training run's (:mod:`scoring.training_sets`, the calibration
users pooled into training as the shipped model has them). For each number of
people ``k`` from one to all of them, up to ``--subsets`` groups of ``k`` training
people are drawn; each group keeps every bot of the training set and ``--pieces``
human pieces taken evenly from its people, so only the number of people changes,
not how many human pieces there are. Each bot family is then held out as on the
card: a model trained without it (and without every recombination using it) scored
on the test users' people and that family's bots. Printed: one row per group, then
the mean, lowest and highest per ``k``, of the share caught with 1% of the test
people challenged, over every test user and over each.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from scoring._fitting import fit, proba
from scoring.botgen import EVALUATION_ONLY
from scoring.dataset import Split, concat
from scoring.evaluate import available_families, family_metrics
from scoring.training_sets import add_arguments, build_sets, sizes_of, users_of, without_family

__all__ = ["CurvePoint", "groups", "human_rows", "main", "measure"]


@dataclass(frozen=True, slots=True)
class CurvePoint:
    """One group of training people: the share of each held-out family caught, over
    every test user (``caught``) and over each (``caught_by_user``)."""

    people: tuple[str, ...]
    humans: int
    caught: dict[str, float]
    caught_by_user: dict[str, dict[str, float]]

    def mean(self, user: str | None = None) -> float:
        shares = self.caught if user is None else self.caught_by_user[user]
        return statistics.fmean(shares.values())


def groups(people: Sequence[str], most: int, rng: np.random.Generator) -> list[tuple[str, ...]]:
    """Up to ``most`` groups of each size from one to all of ``people``, drawn
    reproducibly (all of a size when there are no more than ``most``)."""
    out: list[tuple[str, ...]] = []
    for k in range(1, len(people) + 1):
        every = list(itertools.combinations(people, k))
        if len(every) > most:
            pick = np.sort(rng.choice(len(every), size=most, replace=False))
            every = [every[i] for i in pick.tolist()]
        out.extend(every)
    return out


def human_rows(
    split: Split, people: Sequence[str], pieces: int, rng: np.random.Generator
) -> np.ndarray:
    """Mask of ``pieces`` human rows drawn evenly from ``people`` (all of a person's
    when they have fewer)."""
    mask = np.zeros(split.y.size, dtype=bool)
    each = pieces // len(people)
    for person in people:
        rows = np.flatnonzero((split.family == "human") & (split.user == person))
        mask[rng.choice(rows, size=min(each, rows.size), replace=False)] = True
    return mask


def measure(
    train: Split,
    test: Split,
    people: tuple[str, ...],
    families: Sequence[str],
    pieces: int,
    rng: np.random.Generator,
    *,
    seed: int,
    trees: int,
) -> CurvePoint:
    """Held-out-family catch of models (``seed``, ``trees``) trained on every bot
    of ``train`` and ``pieces`` human pieces of ``people``, drawn with ``rng``."""
    keep = human_rows(train, people, pieces, rng) | (train.family != "human")
    test_users = sorted(set(test.user.tolist()))
    caught: dict[str, float] = {}
    by_user: dict[str, dict[str, float]] = {u: {} for u in test_users}
    for family in families:
        model = fit(train.select(keep & without_family(train, family)), seed, trees)
        scores = proba(model, test.X)
        caught[family] = family_metrics(scores, test, family).caught_at_1pct
        for user in test_users:
            by_user[user][family] = family_metrics(scores, test, family, user).caught_at_1pct
    humans = int(np.count_nonzero(keep & (train.family == "human")))
    return CurvePoint(people, humans, caught, by_user)


def _markdown(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = [head, ["---"] * len(head), *rows]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)


def _table(points: Sequence[CurvePoint], users: Sequence[str]) -> str:
    head = ["people", "k", "human pieces", "mean caught", *(f"at {u}" for u in users)]
    rows = [
        [", ".join(p.people), str(len(p.people)), str(p.humans), f"{p.mean():.1%}"]
        + [f"{p.mean(u):.1%}" for u in users]
        for p in points
    ]
    return _markdown(head, rows)


def _summary(points: Sequence[CurvePoint], users: Sequence[str]) -> str:
    head = ["k", "groups", "mean caught (lowest-highest)"]
    head += [f"at {u} (lowest-highest)" for u in users]
    rows: list[list[str]] = []
    for k in sorted({len(p.people) for p in points}):
        mine = [p for p in points if len(p.people) == k]
        cells = [str(k), str(len(mine))]
        for user in (None, *users):
            means = [p.mean(user) for p in mine]
            cells.append(f"{statistics.fmean(means):.1%} ({min(means):.1%}-{max(means):.1%})")
        rows.append(cells)
    return _markdown(head, rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_arguments(parser)
    parser.add_argument("--pieces", type=int, default=2000, help="human pieces per model")
    parser.add_argument("--subsets", type=int, default=5, help="groups of people per size")
    args = parser.parse_args(argv)
    started = time.monotonic()

    split_users = users_of(args)
    if split_users is None:
        return 2
    if args.pieces < 1 or args.subsets < 1:
        print("--pieces and --subsets must be at least 1", file=sys.stderr)
        return 2
    families = available_families()
    sets = build_sets(args.human, split_users, families, args.seed, sizes_of(args))
    train = concat(sets.train, sets.calib)
    people = sorted(set(train.user.tolist()))
    trained = [f for f in families if f not in EVALUATION_ONLY]
    points: list[CurvePoint] = []
    drawn = groups(people, args.subsets, np.random.default_rng([args.seed, 6]))
    for index, group in enumerate(drawn):
        rng = np.random.default_rng([args.seed, 7, index])
        points.append(
            measure(
                train, sets.test, group, trained, args.pieces, rng, seed=args.seed, trees=args.trees
            )
        )
        print(
            f"  {', '.join(group)}: {points[-1].mean():.1%} ({time.monotonic() - started:.0f} s)",
            file=sys.stderr,
        )
    test_users = split_users[2]
    print(
        f"Held-out families {', '.join(trained)}; seed {args.seed}; test users "
        f"{', '.join(test_users)}; {args.pieces} human pieces per model.\n"
    )
    print(_table(points, test_users) + "\n")
    print(_summary(points, test_users))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
