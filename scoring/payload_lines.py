"""Signals payloads one per line, as ``python -m scoring`` reads them: each line
decodes to :class:`~scoring.schema.Signals` or to the error that names its JSON path,
and is scored in batches of one model call each."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import msgspec

from scoring.model_scorer import ModelScorer
from scoring.result import RequestContext, ScoreResult
from scoring.schema import Signals, decode_signals

__all__ = ["LineError", "score_each"]

_EMPTY_CONTEXT = RequestContext()


class LineError(msgspec.Struct, frozen=True):
    """The answer for a line that is not a valid payload."""

    error: str
    path: str


def _error_of(exc: msgspec.DecodeError) -> LineError:
    """Split msgspec's message into the message and the JSON path it names."""
    text = str(exc)
    message, sep, where = text.rpartition(" - at `")
    if sep:
        return LineError(message, where.rstrip("`"))
    return LineError(text, "$")


def _decode_line(line: bytes) -> Signals | LineError:
    if not line.strip():
        return LineError("empty line", "$")
    try:
        return decode_signals(line)
    except msgspec.DecodeError as exc:
        return _error_of(exc)


def score_each(
    scorer: ModelScorer, lines: Iterable[bytes], batch: int
) -> Iterator[ScoreResult | LineError]:
    """The result or the error of each line, in order, ``batch`` lines a model call."""
    chunk: list[bytes] = []

    def flush() -> Iterator[ScoreResult | LineError]:
        decoded = [_decode_line(line) for line in chunk]
        ok = [d for d in decoded if isinstance(d, Signals)]
        results = iter(scorer.score_many([(d, _EMPTY_CONTEXT) for d in ok]))
        for d in decoded:
            yield d if isinstance(d, LineError) else next(results)
        chunk.clear()

    for line in lines:
        chunk.append(line)
        if len(chunk) >= batch:
            yield from flush()
    if chunk:
        yield from flush()
