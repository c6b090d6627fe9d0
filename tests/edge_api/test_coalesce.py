"""Scoring coalesced per event-loop turn: one score_many call for the submits of a turn,
each caller gets its own answer, and a scorer's failure reaches every caller."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest
from prometheus_client import REGISTRY

import edge_api.coalesce as coalesce
from edge_api.coalesce import CoalescedScorer
from scoring import RequestContext, ScoreResult, Signals

Item = tuple[Signals | None, RequestContext]


class Recording:
    """Answers each item with its user agent as the model name, and records the calls."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def score(self, signals: Signals | None, context: RequestContext) -> ScoreResult:
        return self.score_many([(signals, context)])[0]

    def score_many(self, items: Sequence[Item]) -> list[ScoreResult]:
        self.calls.append(len(items))
        return [
            ScoreResult(score=0.5, channels={}, reasons=(), model=str(ctx.user_agent))
            for _, ctx in items
        ]


def _ctx(n: int) -> RequestContext:
    return RequestContext(user_agent=f"ua-{n}", accept_language=None)


def _observed(model: str) -> float:
    value = REGISTRY.get_sample_value("palisade_model_inference_seconds_count", {"model": model})
    return value or 0.0


def test_submits_of_one_turn_share_one_call_and_get_their_own_answers() -> None:
    inner = Recording()
    scorer = CoalescedScorer(inner)

    async def main() -> list[ScoreResult]:
        return await asyncio.gather(*(scorer.score(None, _ctx(n)) for n in range(10)))

    before = _observed("ua-3")
    results = asyncio.run(main())
    assert inner.calls == [10]
    assert [r.model for r in results] == [f"ua-{n}" for n in range(10)]
    assert _observed("ua-3") == before + 1  # each answer is timed once


def test_later_turns_are_scored_separately() -> None:
    inner = Recording()
    scorer = CoalescedScorer(inner)

    async def main() -> None:
        await scorer.score(None, _ctx(0))
        await asyncio.gather(scorer.score(None, _ctx(1)), scorer.score(None, _ctx(2)))

    asyncio.run(main())
    assert inner.calls == [1, 2]


def test_a_submit_one_turn_behind_joins_the_batch() -> None:
    # Its bytes came in the loop's next I/O poll; two turns later is too late.
    inner = Recording()
    scorer = CoalescedScorer(inner)

    async def after(turns: int, n: int) -> ScoreResult:
        for _ in range(turns):
            await asyncio.sleep(0)
        return await scorer.score(None, _ctx(n))

    async def main() -> list[ScoreResult]:
        return await asyncio.gather(after(0, 0), after(1, 1), after(3, 2))

    results = asyncio.run(main())
    assert inner.calls == [2, 1]
    assert [r.model for r in results] == ["ua-0", "ua-1", "ua-2"]


def test_a_burst_is_split_into_bounded_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(coalesce, "MAX_BATCH", 4)
    inner = Recording()
    scorer = CoalescedScorer(inner)

    async def main() -> list[ScoreResult]:
        return await asyncio.gather(*(scorer.score(None, _ctx(n)) for n in range(10)))

    results = asyncio.run(main())
    assert inner.calls == [4, 4, 2]
    assert [r.model for r in results] == [f"ua-{n}" for n in range(10)]


def test_a_failing_scorer_fails_every_caller_of_the_turn() -> None:
    class Broken(Recording):
        def score_many(self, items: Sequence[Item]) -> list[ScoreResult]:
            raise RuntimeError("model bug")

    scorer = CoalescedScorer(Broken())

    async def main() -> list[object]:
        calls = (scorer.score(None, _ctx(n)) for n in range(3))
        return await asyncio.gather(*calls, return_exceptions=True)

    outcomes = asyncio.run(main())
    assert all(isinstance(o, RuntimeError) for o in outcomes)

    scorer.inner = Recording()  # the model is fixed: the next turn scores again

    async def after() -> ScoreResult:
        return await scorer.score(None, _ctx(9))

    assert asyncio.run(after()).model == "ua-9"
