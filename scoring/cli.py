"""``python -m scoring score``: score JSON signals payloads, one per line.

(``python -m scoring schema`` prints the signals JSON Schema.)

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

from scoring.model import DEFAULT_MODEL
from scoring.model_scorer import ModelScorer, load_default_scorer
from scoring.result import RequestContext
from scoring.schema import Signals, decode_signals, signals_json_schema

__all__ = ["LineError", "error_of", "main", "score_lines"]


class LineError(msgspec.Struct, frozen=True):
    """The answer for a line that is not a valid payload."""

    error: str
    path: str


_encoder = msgspec.json.Encoder()
_EMPTY_CONTEXT = RequestContext()


def error_of(exc: msgspec.DecodeError) -> LineError:
    """Split msgspec's message into the message and the JSON path it names."""
    text = str(exc)
    message, sep, where = text.rpartition(" - at `")
    if sep:
        return LineError(message, where.rstrip("`"))
    return LineError(text, "$")


def _decode(line: bytes) -> Signals | LineError:
    if not line.strip():
        return LineError("empty line", "$")
    try:
        return decode_signals(line)
    except msgspec.DecodeError as exc:
        return error_of(exc)


def score_lines(scorer: ModelScorer, lines: Iterable[bytes], batch: int) -> Iterator[bytes]:
    """Encoded answer lines (with newline) for payload lines, in order."""
    chunk: list[bytes] = []

    def flush() -> Iterator[bytes]:
        decoded = [_decode(line) for line in chunk]
        ok = [d for d in decoded if isinstance(d, Signals)]
        results = iter(scorer.score_many([(d, _EMPTY_CONTEXT) for d in ok]))
        for d in decoded:
            out = d if isinstance(d, LineError) else next(results)
            yield _encoder.encode(out) + b"\n"
        chunk.clear()

    for line in lines:
        chunk.append(line)
        if len(chunk) >= batch:
            yield from flush()
    if chunk:
        yield from flush()


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
    args = parser.parse_args(argv)
    if args.command == "schema":
        sys.stdout.write(json.dumps(signals_json_schema(), indent=2, sort_keys=True) + "\n")
        return 0
    return _run(args, sys.stdin.buffer, sys.stdout.buffer)
