"""``python -m scoring people FILE...``: how many of some recorded people a model would
challenge, and why.

Each file holds one group of people's signals payloads, one per line (the format
``python -m scoring score`` reads): a kind of device, an office, a browser. The demo
page writes such a file in dev mode (``PALISADE_RECORD_PEOPLE``, see
docs/scoring.md, "Checking a model on your own people"). Every payload is scored as
the server scores it, without the request's headers (the detectors that compare them
answer ``unknown``), and counted as challenged when its score is below the threshold.
"""

from __future__ import annotations

import argparse
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from scoring.model import DEFAULT_MODEL, ModelError
from scoring.model_scorer import ModelScorer, load_default_scorer
from scoring.payload_lines import LineError, score_each
from scoring.result import ScoreResult

__all__ = ["DEFAULT_THRESHOLD", "GroupSummary", "add_arguments", "run", "summarize"]

# A new site's threshold (edge_api.sites.DEFAULT_SCORE_THRESHOLD).
DEFAULT_THRESHOLD = 0.5
TOP_REASONS = 5
BATCH = 256


@dataclass(frozen=True, slots=True)
class GroupSummary:
    """One file's people as a model sees them."""

    name: str
    scored: int
    invalid: dict[int, LineError]  # line number (from 1) -> what is wrong with it
    with_pointer: int
    with_touch: int
    challenged: int  # score below the threshold
    pointer_below: int  # pointer channel below the threshold, of those with one
    median_score: float | None
    reasons: list[tuple[str, int]]  # the most given among the challenged, with counts


def summarize(
    name: str, answers: Iterable[ScoreResult | LineError], threshold: float
) -> GroupSummary:
    """Count one group's answers (in line order) against ``threshold``."""
    results: list[ScoreResult] = []
    invalid: dict[int, LineError] = {}
    for number, answer in enumerate(answers, start=1):
        if isinstance(answer, LineError):
            invalid[number] = answer
        else:
            results.append(answer)
    pointer = [r.channels.get("pointer") for r in results]
    challenged = [r for r in results if r.score < threshold]
    reasons = Counter(code for r in challenged for code in set(r.reasons))
    return GroupSummary(
        name=name,
        scored=len(results),
        invalid=invalid,
        with_pointer=sum(p is not None for p in pointer),
        with_touch=sum(r.channels.get("touch") is not None for r in results),
        challenged=len(challenged),
        pointer_below=sum(p is not None and p < threshold for p in pointer),
        median_score=statistics.median(r.score for r in results) if results else None,
        # Ties by name: a payload's reasons are counted from a set, in no fixed order.
        reasons=sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_REASONS],
    )


def _share(count: int, of: int) -> str:
    return f"{count} ({100.0 * count / of:.1f}%)" if of else "0"


def format_summaries(groups: Sequence[GroupSummary], threshold: float, model: str) -> str:
    lines = [
        f"model {model}; challenged: final score below {threshold:g}",
        "",
        "| people | payloads | invalid lines | with pointer | with touch | challenged | "
        f"pointer below {threshold:g} | median score | reasons most given when challenged |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for g in groups:
        median = "-" if g.median_score is None else f"{g.median_score:.3f}"
        reasons = ", ".join(f"{code} {n}" for code, n in g.reasons) or "-"
        lines.append(
            f"| {g.name} | {g.scored} | {len(g.invalid)} | {g.with_pointer} | {g.with_touch} | "
            f"{_share(g.challenged, g.scored)} | {_share(g.pointer_below, g.with_pointer)} | "
            f"{median} | {reasons} |"
        )
    return "\n".join(lines) + "\n"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, help="JSONL payloads, a group a file")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)


def _summarize_file(scorer: ModelScorer, path: Path, threshold: float) -> GroupSummary:
    with path.open("rb") as lines:
        return summarize(path.stem, score_each(scorer, lines, BATCH), threshold)


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Print the table; exit 2 when a file cannot be read or holds no valid payload."""
    if not 0.0 < args.threshold <= 1.0:
        stderr.write(f"--threshold must be in (0, 1], got {args.threshold}\n")
        return 2
    missing = [str(p) for p in args.files if not p.is_file()]
    if missing:
        stderr.write(f"no such file: {', '.join(missing)}\n")
        return 2
    try:
        scorer = load_default_scorer(args.model)
    except (ModelError, OSError) as exc:
        stderr.write(f"{args.model}: cannot load the model: {exc}\n")
        return 2
    groups = [_summarize_file(scorer, path, args.threshold) for path in args.files]
    status = 0
    for path, g in zip(args.files, groups, strict=True):
        for number, error in list(g.invalid.items())[:TOP_REASONS]:
            stderr.write(f"{path}:{number}: {error.error} (at {error.path}); not counted\n")
        if len(g.invalid) > TOP_REASONS:
            stderr.write(f"{path}: {len(g.invalid) - TOP_REASONS} more invalid lines\n")
        if not g.scored:
            stderr.write(f"{path}: no valid payload\n")
            status = 2
    stdout.write(format_summaries(groups, args.threshold, scorer.version))
    return status
