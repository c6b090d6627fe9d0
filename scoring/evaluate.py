"""Metrics of a scoring model on held-out users (and the helpers training uses).

    python -m scoring.evaluate [--model PATH] --human ../shared/data/mouse-human
        [--users user9,user21] [--recording dataset|browser|raw]
        [--jitter-px S] [--delay-ms D]

Without ``--users`` it evaluates every person under ``--human`` that the model was
not trained on (its metadata names its training and calibration users), so a folder
of other people in the same layout is evaluated whole.

Builds the held-out users' humans and fresh bots of every family (the same
recording path as training, its own seed), scores them with the ONNX model and
prints per family: AUC, share of bots caught with 1% of humans challenged, and
calibration on the whole held-out set; then visits of several approaches, and the
held-out people's recorded pages scored whole by the production scorer
(:mod:`scoring.pages`: the share challenged at 0.5 and 0.1).

``--recording`` changes how the pieces of the first table reach the model
(:data:`scoring.dataset.Recording`): training's path, bots through the browser step
only, or nothing between the recordings, the generators and the extractor. Figures
that hold across the three say the model judges movement, not how it was recorded.
``--jitter-px`` gives every bot of that table Gaussian jitter of that many pixels
(otherwise half of them get 0.3-2 px, as in the card), ``--delay-ms`` a random sleep
of up to that many milliseconds before each move (otherwise none, as in the card).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from scoring.approaches import calibration_of
from scoring.botgen import FAMILIES, ghost_cursor_available
from scoring.consistency import reference_of
from scoring.dataset import (
    DEFAULT_JITTER,
    MODEL_FEATURES,
    RECORDINGS,
    Humanizer,
    Split,
    build_split,
)
from scoring.features._grid import Array
from scoring.humans import list_users
from scoring.metrics import (
    auc,
    balanced_weights,
    calibration_table,
    catch_rate,
    expected_calibration_error,
)
from scoring.model import DEFAULT_MODEL, OnnxModel
from scoring.model_scorer import load_default_scorer
from scoring.pages import format_page_table, page_metrics
from scoring.visits import build_visits, format_visit_table, visit_calibration, visit_metrics

__all__ = [
    "DEFAULT_TEST_USERS",
    "FamilyMetrics",
    "available_families",
    "family_metrics",
    "main",
    "unseen_users",
]

DEFAULT_TEST_USERS = ("user9", "user21")


@dataclass(frozen=True, slots=True)
class FamilyMetrics:
    """One bot family against the held-out humans."""

    family: str
    bots: int
    humans: int
    auc: float
    caught_at_1pct: float
    humans_challenged: float


def available_families() -> tuple[str, ...]:
    """Every family whose generator can run here (ghost-cursor needs node)."""
    if ghost_cursor_available():
        return FAMILIES
    print("warning: ghost-cursor not installed; skipping that family", file=sys.stderr)
    return tuple(f for f in FAMILIES if f != "ghost_cursor")


def family_metrics(
    scores: Array, split: Split, family: str, user: str | None = None
) -> FamilyMetrics:
    """AUC and catch rate of ``family`` bots against the humans in ``split``.

    With ``user``: only that user's pieces and the bots built on them (the same
    capture rate), labelled ``family (user)``.
    """
    keep = np.ones(scores.size, dtype=bool) if user is None else split.user == user
    human = scores[keep & (split.family == "human")]
    bot = scores[keep & (split.family == family)]
    caught, _, challenged = catch_rate(human, bot, 0.01)
    label = family if user is None else f"{family} ({user})"
    return FamilyMetrics(label, bot.size, human.size, auc(human, bot), caught, challenged)


def unseen_users(model: OnnxModel, found: list[str]) -> list[str]:
    """The people of ``found`` that ``model`` was not trained on (its metadata's
    training and calibration users; the calibration users train too unless the
    model was built with ``--no-pool-calib``, so they are never counted unseen).
    Its test users come first, in its order, so its figures reproduce."""
    trained: set[str] = set()
    for key in ("train_users", "calib_users"):
        trained.update(json.loads(model.metadata.get(key, "[]")))
    tested = [u for u in json.loads(model.metadata.get("test_users", "[]")) if u in found]
    return tested + [u for u in found if u not in trained and u not in tested]


def _on_every_bot(amount: float | None) -> Humanizer | None:
    return None if amount is None else Humanizer(amount, amount, share=1.0)


def format_table(rows: list[FamilyMetrics]) -> str:
    lines = [
        "| bot family | bots | humans | AUC | caught @ 1% humans | humans challenged |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r.family} | {r.bots} | {r.humans} | {r.auc:.4f} | "
            f"{100 * r.caught_at_1pct:.1f}% | {100 * r.humans_challenged:.2f}% |"
        )
    return "\n".join(lines)


def format_calibration(scores: Array, y: Array) -> str:
    w = balanced_weights(y)
    lines = [
        f"Humans and bots weighted equally: ECE {expected_calibration_error(scores, y):.4f}, "
        f"Brier {float(np.dot((scores - y) ** 2, w)):.4f}",
        "",
        "| mean score | observed share human | n |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {p:.3f} | {o:.3f} | {n} |" for p, o, n in calibration_table(scores, y)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--human", type=Path, required=True)
    parser.add_argument(
        "--users", help="comma-separated (default: every person the model was not trained on)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--max-pieces", type=int, default=1200)
    parser.add_argument("--bots", type=int, default=600, help="bots per family")
    parser.add_argument("--max-sessions", type=int, default=0, help="per user; 0 = all")
    parser.add_argument(
        "--visits", type=int, default=200, help="visits of several approaches per family"
    )
    parser.add_argument(
        "--pages", type=int, default=1500, help="recorded pages per user scored whole; 0 = none"
    )
    parser.add_argument(
        "--recording",
        choices=RECORDINGS,
        default="dataset",
        help="how the first table's pieces are recorded (visits and pages: as in training)",
    )
    parser.add_argument(
        "--jitter-px",
        type=float,
        help="Gaussian jitter (px) on every bot of the first table (default: the card's)",
    )
    parser.add_argument(
        "--delay-ms",
        type=float,
        help="random sleep (up to, ms) before each move of every bot of the first table",
    )
    args = parser.parse_args(argv)
    if args.jitter_px is not None and not 0.0 <= args.jitter_px <= 100.0:
        parser.error("--jitter-px must be between 0 and 100")
    if args.delay_ms is not None and not 0.0 <= args.delay_ms <= 1000.0:
        parser.error("--delay-ms must be between 0 and 1000")
    model = OnnxModel.load(args.model)
    if model.feature_names != MODEL_FEATURES:
        print("model features differ from this code's extractor", file=sys.stderr)
        return 2
    found = list_users(args.human) if args.human.is_dir() else []
    users = args.users.split(",") if args.users else unseen_users(model, found)
    missing = sorted(set(users) - set(found))
    if missing or not users:
        what = (
            f"no such people under {args.human}: {', '.join(missing)}"
            if missing
            else f"the model was trained on every person under {args.human}; pass --users"
        )
        print(f"{what} (found: {', '.join(found) or 'none'})", file=sys.stderr)
        return 2
    rng = np.random.default_rng([args.seed, 99])
    families = available_families()
    split = build_split(
        args.human,
        users,
        rng,
        args.max_pieces,
        args.bots,
        families,
        args.max_sessions,
        recording=args.recording,
        jitter=_on_every_bot(args.jitter_px) or DEFAULT_JITTER,
        delays=_on_every_bot(args.delay_ms),
    )
    scores = model.predict(split.X)
    rows = [family_metrics(scores, split, f) for f in families]
    rows += [family_metrics(scores, split, f, u) for u in users for f in families]
    print(
        f"model {model.version} ({model.size} bytes), held-out users {', '.join(users)}, "
        f"recording {args.recording}"
        + ("" if args.jitter_px is None else f", jitter {args.jitter_px:g} px on every bot")
        + ("" if args.delay_ms is None else f", sleeps up to {args.delay_ms:g} ms on every bot")
    )
    print(format_table(rows))
    print()
    print(format_calibration(scores, split.y))
    if args.visits:
        visits = build_visits(
            args.human,
            users,
            families,
            np.random.default_rng([args.seed, 98]),
            max_pieces=args.max_pieces,
            max_sessions=args.max_sessions,
            bot_visits=args.visits,
        )
        print()
        print("Visits of several approaches (pointer sections with 1..4 clicks):")
        calibration = calibration_of(model.metadata)
        evidence = visits.evidence(reference_of(model.metadata))
        print(
            format_visit_table(
                visit_metrics(visits, model.predict, families, calibration, evidence)
            )
        )
        ece = visit_calibration(visits, model.predict, families, calibration, evidence)
        print("ECE of the combined score: " + ", ".join(f"{e:.3f}" for e in ece))
    if args.pages:
        scorer = load_default_scorer(args.model)
        print()
        print("People's pages (the widget's last ten seconds before a click), scored whole:")
        print(
            format_page_table(
                page_metrics(scorer, args.human, users, max_pages=args.pages, seed=args.seed)
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
