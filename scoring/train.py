"""Train the pointer model, evaluate it honestly, export ONNX and a model card.

    python -m scoring.train --human ../shared/data/mouse-human --out DIR [--seed 7]

Users are split three ways and never mixed: training users, calibration users
(Platt scaling of the final model) and test users (every metric). Bot families
are evaluated leave-one-family-out: for each family a model is trained on the
other families and tested on that one, on the test users, so the card shows how
the model does against tooling it has never seen. Training also has recombined
bots (``--mixed``: one family's path with another's timing); a held-out family's
model leaves out every recombination that uses it. The shipped model is then
trained on every family. Deterministic for a given seed and data.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from scoring._fitting import fit, logit, oof_logit, proba
from scoring.approaches import CALIBRATION_KEY, calibration_of, parse_calibration
from scoring.botgen import EVALUATION_ONLY, TRAINING_AIDS
from scoring.botgen.mixed import mix_parts
from scoring.calibration import fit_count_calibration, fit_platt
from scoring.card import write_card
from scoring.consistency import CONSISTENCY_KEY, Reference
from scoring.dataset import MODEL_FEATURES, Split, concat
from scoring.evaluate import (
    FamilyMetrics,
    available_families,
    family_metrics,
)
from scoring.features._grid import Array
from scoring.humans import data_hash
from scoring.model import OnnxModel
from scoring.training_sets import add_arguments, build_sets, sizes_of, users_of, without_family
from scoring.visits import (
    VisitMetrics,
    VisitSet,
    build_visits,
    visit_calibration,
    visit_metrics,
)

__all__ = ["main"]


def _human_ranges(split: Split) -> dict[str, list[float]]:
    """1st and 99th percentile of each feature over training humans (for reason codes)."""
    humans = split.X[split.y == 1.0]
    lo = np.nanpercentile(humans, 1.0, axis=0)
    hi = np.nanpercentile(humans, 99.0, axis=0)
    return {
        n: [round(float(a), 6), round(float(b), 6)]
        for n, a, b in zip(MODEL_FEATURES, lo, hi, strict=True)
    }


@dataclass(frozen=True, slots=True)
class _VisitData:
    """The held-out users' visits with their consistency evidence, and the training
    users' visits (their calibration is fitted on) with out-of-fold evidence."""

    test: VisitSet
    test_evidence: Array
    fit: VisitSet
    fit_evidence: Array


def _lofo(
    train: Split,
    test: Split,
    visits: _VisitData,
    families: tuple[str, ...],
    seed: int,
    trees: int,
) -> tuple[list[FamilyMetrics], list[VisitMetrics]]:
    rows: list[FamilyMetrics] = []
    per_user: list[FamilyMetrics] = []
    by_visit: list[VisitMetrics] = []
    users = sorted(set(test.user.tolist()))
    for fam in families:
        # Without the family and without every recombination that uses it.
        keep = without_family(train, fam)
        model = fit(train.select(keep), seed, trees)
        scores = proba(model, test.X)
        rows.append(family_metrics(scores, test, fam))
        per_user += [family_metrics(scores, test, fam, u) for u in users]
        # The combination of approaches is fitted without the family too: out-of-fold
        # logits of models that never saw it, on the training users' other visits.
        _, oof_visits = oof_logit(train, seed, trees, visits.fit, keep)
        calibration = parse_calibration(
            fit_count_calibration(
                visits.fit,
                oof_visits,
                (1.0, 0.0),
                visits.fit_evidence,
                keep=visits.fit.family != fam,
            )
        )
        by_visit += visit_metrics(
            visits.test, partial(proba, model), (fam,), calibration, visits.test_evidence
        )
        print(f"  held-out family {fam}: AUC {rows[-1].auc:.4f}", file=sys.stderr)
    return rows + per_user, by_visit


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_arguments(parser)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--no-pool-calib",
        action="store_true",
        help="keep the calibration users out of training (Platt fitted on them alone)",
    )
    parser.add_argument("--no-lofo", action="store_true", help="skip leave-one-family-out")
    parser.add_argument("--visits", type=int, default=400, help="evaluation visits per bot family")
    parser.add_argument(
        "--families", help="comma-separated bot families (default: every one that runs here)"
    )
    args = parser.parse_args(argv)
    started = time.monotonic()

    split_users = users_of(args)
    if split_users is None:
        return 2
    train_users, calib_users, test_users = split_users
    families = available_families()
    if args.families:
        unknown = set(args.families.split(",")) - set(families)
        if unknown:
            print(f"unknown or unavailable families: {sorted(unknown)}", file=sys.stderr)
            return 2
        families = tuple(f for f in families if f in args.families.split(","))
    mp, ms = args.max_pieces, args.max_sessions
    print(f"train {train_users}, calibrate {calib_users}, test {test_users}", file=sys.stderr)
    trained = tuple(f for f in families if f not in EVALUATION_ONLY)
    sets = build_sets(args.human, split_users, families, args.seed, sizes_of(args))
    train, calib, test = sets.train, sets.calib, sets.test
    print(f"built sets in {time.monotonic() - started:.0f} s", file=sys.stderr)

    pool_calib = not args.no_pool_calib
    if pool_calib:
        # People are scarce (a handful of users): the calibration user's pieces, with
        # the bots built on them, train the model too, and Platt scaling is fitted on
        # logits of models that never saw the piece's user. Held-out families over
        # five seeds: mean caught +0.8 points (bezier +2.3, minimum-jerk +1.6); the
        # user's humans alone give half of it, its bots alone nothing.
        train = concat(train, calib)

    visits = build_visits(
        args.human,
        test_users,
        families,
        np.random.default_rng([args.seed, 4]),
        max_pieces=mp,
        max_sessions=ms,
        bot_visits=args.visits,
    )
    print(f"built visits in {time.monotonic() - started:.0f} s", file=sys.stderr)
    # Visits of the training users' own pieces: the per-count calibration of the
    # combined score is fitted on them, out of fold like Platt scaling, and their
    # people's visits are the consistency reference the model carries.
    fit_visits = build_visits(
        args.human,
        sorted(set(train.user.tolist())),
        trained,
        np.random.default_rng([args.seed, 5]),
        max_pieces=mp,
        max_sessions=ms,
        bot_visits=args.visits // 2,
    )
    consistency = fit_visits.reference()
    reference = Reference.from_json(consistency)
    visit_data = _VisitData(
        visits, visits.evidence(reference), fit_visits, fit_visits.oof_evidence()
    )
    lofo, lofo_visits = (
        ([], []) if args.no_lofo else _lofo(train, test, visit_data, trained, args.seed, args.trees)
    )
    final = fit(train, args.seed, args.trees)
    if pool_calib:
        oof, oof_visits = oof_logit(train, args.seed, args.trees, fit_visits)
        platt = fit_platt(oof, train.y)
    else:
        platt = fit_platt(logit(final, calib.X), calib.y)
        oof_visits = logit(final, fit_visits.rows)
    count_calibration = fit_count_calibration(
        fit_visits, oof_visits, platt, visit_data.fit_evidence
    )
    meta = {
        "seed": args.seed,
        "families": list(trained),
        "train_users": train_users,
        "calib_users": calib_users,
        "test_users": test_users,
        "human_ranges": _human_ranges(train),
        CALIBRATION_KEY: count_calibration,
        CONSISTENCY_KEY: consistency,
    }
    content = _export(final, platt, meta)
    model = OnnxModel(content)
    scores = model.predict(test.X)
    # The ONNX graph must reproduce LightGBM plus calibration.
    margin = final.predict(test.X.astype(np.float32), raw_score=True)
    expected = 1.0 / (1.0 + np.exp(-(platt[0] * margin + platt[1])))
    parity = float(np.max(np.abs(scores - expected)))
    seen = _per_family(scores, test, trained, test_users)
    # The shipped model never saw these: its figures on them are held-out ones.
    unseen = [f for f in families if f in EVALUATION_ONLY]
    never = _per_family(scores, test, unseen, test_users)
    shipped_calibration = calibration_of(model.metadata)
    never_visits = visit_metrics(
        visits, model.predict, tuple(unseen), shipped_calibration, visit_data.test_evidence
    )
    visits_ece = visit_calibration(
        visits, model.predict, trained, shipped_calibration, visit_data.test_evidence
    )
    visits_ece_plain = visit_calibration(visits, model.predict, trained)
    known = ~np.isin(test.family, unseen)

    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "pointer.onnx").write_bytes(content)
    importance = dict(
        zip(
            MODEL_FEATURES, (int(v) for v in final.booster_.feature_importance("gain")), strict=True
        )
    )
    facts: dict[str, Any] = {
        "version": model.version,
        "size_bytes": model.size,
        "seed": args.seed,
        "users": {"train": train_users, "calibration": calib_users, "test": test_users},
        "data_sha256": {
            "train": data_hash(args.human, train_users),
            "calibration": data_hash(args.human, calib_users),
            "test": data_hash(args.human, test_users),
        },
        "counts": {
            name: _counts(s)
            for name, s in (("train", train), ("calibration", calib), ("test", test))
        },
        "mixed": args.mixed,
        "aids": list(TRAINING_AIDS),
        "platt": list(platt),
        "onnx_parity_max_abs": parity,
        "trees": args.trees,
        "pool_calib": pool_calib,
        "families": list(trained),
        "evaluation_only": unseen,
        "feature_gain": importance,
        "visits_ece": [round(e, 4) for e in visits_ece],
        "visits_ece_plain_mean": [round(e, 4) for e in visits_ece_plain],
        "count_calibration": count_calibration,
        "train_seconds": round(time.monotonic() - started, 1),
    }
    write_card(
        args.out, facts, lofo, seen, never, scores[known], test.y[known], lofo_visits + never_visits
    )
    (args.out / "metrics.json").write_text(
        json.dumps(
            {
                **facts,
                "held_out_family": [asdict(r) for r in lofo],
                "never_trained_family": [asdict(r) for r in never],
                "seen_family": [asdict(r) for r in seen],
                "visits_held_out_family": [asdict(r) for r in lofo_visits],
                "visits_never_trained_family": [asdict(r) for r in never_visits],
            },
            indent=2,
            default=str,
        )
        + "\n"
    )
    print(f"wrote {args.out}/pointer.onnx ({model.size} bytes, {model.version})", file=sys.stderr)
    return 0


def _per_family(
    scores: Array, test: Split, families: Sequence[str], users: list[str]
) -> list[FamilyMetrics]:
    """Metrics per family on every test user, then per family on each user."""
    rows = [family_metrics(scores, test, f) for f in families]
    return rows + [family_metrics(scores, test, f, u) for u in users for f in families]


def _counts(split: Split) -> dict[str, int]:
    """Pieces per family; recombined bots counted together as ``mixed``."""
    out: dict[str, int] = {}
    for f in split.family.tolist():
        key = "mixed" if len(mix_parts(str(f))) > 1 else str(f)
        out[key] = out.get(key, 0) + 1
    return dict(sorted(out.items()))


def _export(final: Any, platt: tuple[float, float], meta: dict[str, Any]) -> bytes:
    from scoring.export import export_lightgbm

    return export_lightgbm(final, MODEL_FEATURES, platt, meta)


if __name__ == "__main__":
    raise SystemExit(main())
