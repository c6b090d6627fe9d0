"""``python -m scoring score``: score JSON signals payloads, one per line.

(``python -m scoring schema`` prints the signals JSON Schema; ``python -m scoring
people FILE...`` summarises recorded people's payloads, see :mod:`scoring.people`.)

Reads one payload per line on stdin and writes one JSON object per line on
stdout, in input order: ``{"score", "channels", "reasons", "model"}``, or
``{"error", "path"}`` for a line that does not decode (the rest still score).
Lines are scored in batches of ``--batch`` with one model call each.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import msgspec

from scoring import people
from scoring.model import DEFAULT_MODEL
from scoring.model_scorer import ModelScorer, load_default_scorer
from scoring.payload_lines import score_each
from scoring.schema import signals_json_schema

__all__ = ["main", "score_lines"]


_encoder = msgspec.json.Encoder()


def score_lines(scorer: ModelScorer, lines: Iterable[bytes], batch: int) -> Iterator[bytes]:
    """Encoded answer lines (with newline) for payload lines, in order."""
    for out in score_each(scorer, lines, batch):
        yield _encoder.encode(out) + b"\n"


def _run(args: argparse.Namespace, stdin: BinaryIO, stdout: BinaryIO) -> int:
    scorer = load_default_scorer(args.model, args.shadow)
    for out in score_lines(scorer, stdin, args.batch):
        stdout.write(out)
    stdout.flush()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scoring",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    score = sub.add_parser("score", help="score JSON payloads from stdin, one per line")
    score.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    score.add_argument("--shadow", type=Path, default=None)
    score.add_argument("--batch", type=int, default=1024)
    sub.add_parser("schema", help="print the signals JSON Schema (docs/signals.schema.json)")
    people.add_arguments(
        sub.add_parser("people", help="how many of some recorded people a model would challenge")
    )
    args = parser.parse_args(argv)
    if args.command == "people":
        return people.run(args, sys.stdout, sys.stderr)
    if args.command == "schema":
        sys.stdout.write(json.dumps(signals_json_schema(), indent=2, sort_keys=True) + "\n")
        return 0
    return _run(args, sys.stdin.buffer, sys.stdout.buffer)
