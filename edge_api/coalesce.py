"""Scoring coalesced per turn of the event loop: the submits that reach the scorer
together are scored with one ``score_many`` call (one model call for all of them).

A submit's own work before scoring (decode, PoW check) runs as before; then it waits
for the end of the loop's next turn, when every submit that got that far is scored back
to back in one callback, still inline on the event loop (no executor), as the Redis
auto-pipeline batches commands. Waiting one turn more than the pipeline does lets the
submits whose bytes arrive in the loop's next I/O poll join the batch: under wrk (32
connections, one worker) batches grew from 2.7 to 6.8 submits, and with two workers
the submit's CPU ratio to the bare endpoint rose by about a tenth (docs/performance.md).
The model, the feature kernels and the detectors then stay in the CPU's caches from one
submit to the next: with 32 concurrent submits this took 20-35% less CPU per submit
than scoring each between its neighbours' other work.
"""

from __future__ import annotations

import asyncio
import time

from edge_api.metrics import observe_inference
from scoring import RequestContext, Scorer, ScoreResult, Signals

__all__ = ["MAX_BATCH", "CoalescedScorer"]

# Rows per model call; a larger burst is scored in several calls in the same turn.
MAX_BATCH = 64

Pending = tuple[tuple[Signals | None, RequestContext], "asyncio.Future[ScoreResult]"]


class CoalescedScorer:
    """Scores through ``inner`` (the admin API manages its model), batched per loop
    turn, and reports each answer's share of the batch's time as its inference time."""

    def __init__(self, inner: Scorer) -> None:
        self.inner = inner
        self._pending: list[Pending] = []
        self._scheduled = False

    async def score(self, signals: Signals | None, context: RequestContext) -> ScoreResult:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[ScoreResult] = loop.create_future()
        self._pending.append(((signals, context), future))
        if not self._scheduled:
            self._scheduled = True
            # Two hops: the flush runs after the loop's next I/O poll, so submits whose
            # bytes arrive meanwhile join the batch.
            loop.call_soon(loop.call_soon, self._flush)
        return await future

    def _flush(self) -> None:
        self._scheduled = False
        pending, self._pending = self._pending, []
        for start in range(0, len(pending), MAX_BATCH):
            self._score(pending[start : start + MAX_BATCH])

    def _score(self, batch: list[Pending]) -> None:
        started = time.perf_counter()
        try:
            results = self.inner.score_many([item for item, _ in batch])
        except Exception as exc:  # a scorer bug: each of these submits answers a JSON 500
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        share = (time.perf_counter() - started) / len(batch)
        for (_, future), result in zip(batch, results, strict=True):
            observe_inference(result.model, share)
            if not future.done():  # its request may have gone away meanwhile
                future.set_result(result)
