"""What the features can do against one bot family when the model knows it.

    python -m scoring.ceiling --human ../shared/data/mouse-human [--seed 7]

For each trained family a model of the training run's configuration is trained on
the training people and that family's training bots only (the card's sets, the
calibration users pooled in), and scored on the test people and that family's test
bots. That is about the best these features and people allow against the family in
one approach: a family missed here is out of reach of the pointer model. A family
caught here and missed held out (the card's first table) is in the features, and the
model fails to carry it over from the other families.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import numpy as np

from scoring._fitting import fit, proba
from scoring.botgen import EVALUATION_ONLY
from scoring.dataset import Split, concat
from scoring.evaluate import FamilyMetrics, available_families, family_metrics, format_table
from scoring.training_sets import add_arguments, build_sets, sizes_of, users_of

__all__ = ["alone", "main"]


def alone(
    train: Split, test: Split, families: Sequence[str], *, seed: int, trees: int
) -> list[FamilyMetrics]:
    """Per family: a model of people and that family's bots only, on every test
    user, then on each."""
    users = sorted(set(test.user.tolist()))
    overall: list[FamilyMetrics] = []
    per_user: list[FamilyMetrics] = []
    people = train.family == "human"
    for family in families:
        model = fit(train.select(people | (train.family == family)), seed, trees)
        scores = proba(model, test.X)
        overall.append(family_metrics(scores, test, family))
        per_user += [family_metrics(scores, test, family, u) for u in users]
        print(f"  {family} alone: caught {overall[-1].caught_at_1pct:.1%}", file=sys.stderr)
    return overall + per_user


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_arguments(parser)
    args = parser.parse_args(argv)
    split_users = users_of(args)
    if split_users is None:
        return 2
    families = available_families()
    sets = build_sets(args.human, split_users, families, args.seed, sizes_of(args))
    trained = [f for f in families if f not in EVALUATION_ONLY]
    rows = alone(
        concat(sets.train, sets.calib), sets.test, trained, seed=args.seed, trees=args.trees
    )
    print(
        f"Each family alone against people; seed {args.seed}; test users "
        f"{', '.join(split_users[2])}; {int(np.count_nonzero(sets.test.y))} test people's pieces.\n"
    )
    print(format_table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
