"""The decision recorder: an :class:`~edge_api.events.EventSink` that never waits.

``emit()`` counts the event under a small key (site, kind, outcome, score bucket,
reasons, model, minute, client) in a dict, and counts it for Prometheus; nothing
else happens on the request path. A background task started in the app lifespan
turns what accumulated into Redis writes (memory writes for the embedded store), a
slice of the buffer at a time, each slice's commands sent together on the store's
own pipeline. If the buffer fills up (the store is down for long) new events are
dropped and counted; they are never allowed to slow or fail a request.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from edge_api._background import Background
from edge_api.analytics.backends import Backend, MemoryBackend, RedisBackend
from edge_api.analytics.batch import Key, event_key, reduce_counts
from edge_api.events import DecisionEvent
from edge_api.metrics import ANALYTICS_DROPPED, count_decision
from edge_api.store import RedisStore, Store

__all__ = ["Analytics", "AnalyticsConfig", "Recorder", "open_analytics"]

logger = logging.getLogger("palisade.analytics")

# RedisStore's key prefix: aggregates live under it too.
STORE_PREFIX = "pal:"
# Buffered keys (and raw events) reduced and written at a time; on this project's test
# machines a slice holds the event loop for about 1 ms.
FLUSH_SLICE = 128
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class AnalyticsConfig:
    enabled: bool = True
    flush_seconds: float = 1.0
    max_pending: int = 100_000
    stream_maxlen: int = 0  # 0: no raw event stream

    @classmethod
    def from_env(cls) -> AnalyticsConfig:
        env = os.environ
        return cls(
            enabled=env.get("PALISADE_ANALYTICS", "on").lower() not in ("off", "0", "false"),
            flush_seconds=float(env.get("PALISADE_ANALYTICS_FLUSH_SECONDS", "1.0")),
            max_pending=int(env.get("PALISADE_ANALYTICS_MAX_PENDING", "100000")),
            stream_maxlen=int(env.get("PALISADE_ANALYTICS_STREAM_MAXLEN", "0")),
        )


class Recorder:
    """Buffers events and flushes them to a backend, in the background or on demand."""

    def __init__(
        self,
        backend: Backend,
        *,
        clock: Callable[[], float] = time.time,
        flush_seconds: float = 1.0,
        max_pending: int = 100_000,
        enabled: bool = True,
        keep_raw: bool = False,
    ) -> None:
        self.backend = backend
        self._clock = clock
        self._flush_seconds = flush_seconds
        self._max_pending = max_pending
        self._enabled = enabled
        self._keep_raw = keep_raw
        self._counts: dict[Key, int] = {}
        self._raw: list[DecisionEvent] = []
        self._pending = 0
        self._lock = asyncio.Lock()
        self._background = Background(self._run)
        self.dropped = 0
        self.flushed = 0

    def emit(self, event: DecisionEvent) -> None:
        try:
            count_decision(event)
            if not self._enabled:
                return
            key = event_key(event)
            counts = self._counts
            if key in counts:
                counts[key] += 1
            elif len(counts) >= self._max_pending:
                self.dropped += 1
                ANALYTICS_DROPPED.labels("buffer_full").inc()
                return
            else:
                counts[key] = 1
            self._pending += 1
            if self._keep_raw and len(self._raw) < self._max_pending:
                self._raw.append(event)
        except Exception:  # a sink must never fail the request
            logger.exception("analytics: could not record an event")

    @property
    def pending(self) -> int:
        """Events buffered since the last flush."""
        return self._pending

    async def flush(self) -> int:
        """Write what is buffered now; returns how many events were written.

        Serialised: a flush called while the background one runs waits for it, so
        after ``await flush()`` everything emitted before the call is stored. The
        buffer is reduced and written a slice at a time, and requests are served in
        between: a worker that saw thousands of clients in a second must not hold its
        event loop for the whole flush.
        """
        async with self._lock:
            counts, raw, pending = self._counts, self._raw, self._pending
            if not pending:
                return 0
            self._counts, self._raw, self._pending = {}, [], 0
            written = 0
            key_slices = _slices(list(counts.items()))
            raw_slices = _slices(raw)
            # Raw events (the optional stream) may need more slices than the keys.
            key_slices += [[]] * (len(raw_slices) - len(key_slices))
            raw_slices += [[]] * (len(key_slices) - len(raw_slices))
            for items, events in zip(key_slices, raw_slices, strict=True):
                keys = dict(items)
                try:
                    await self.backend.write(reduce_counts(keys, events, self._clock()))
                except Exception as exc:
                    lost = pending - written
                    self.dropped += lost
                    ANALYTICS_DROPPED.labels("store_error").inc(lost)
                    logger.warning("analytics: %d events dropped: %s", lost, exc)
                    break
                count = sum(keys.values())
                written += count
                self.flushed += count
                await asyncio.sleep(0)  # let the requests waiting on this worker run
            return written

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._flush_seconds)
            try:
                await self.flush()
            except Exception:  # keep flushing whatever happens
                logger.exception("analytics: flush failed")

    async def start(self) -> None:
        if self._enabled:
            self._background.start()

    async def stop(self) -> None:
        """Stop the flusher and write what is left (bounded by a short timeout)."""
        await self._background.stop()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.flush(), timeout=2.0)


def _slices(items: list[T]) -> list[list[T]]:
    return [items[i : i + FLUSH_SLICE] for i in range(0, len(items), FLUSH_SLICE)]


@dataclass(slots=True)
class Analytics:
    """The recorder (the app's event sink) and the backend queries read from."""

    recorder: Recorder
    backend: Backend

    async def start(self) -> None:
        await self.recorder.start()

    async def stop(self) -> None:
        await self.recorder.stop()


def open_analytics(
    store: Store, clock: Callable[[], float], config: AnalyticsConfig | None = None
) -> Analytics:
    """Aggregates next to the store: in Redis for :class:`RedisStore`, else in memory."""
    config = config or AnalyticsConfig.from_env()
    backend: Backend
    keep_raw = False
    if isinstance(store, RedisStore):
        keep_raw = config.stream_maxlen > 0
        backend = RedisBackend(store, prefix=STORE_PREFIX, stream_maxlen=config.stream_maxlen)
    else:
        backend = MemoryBackend(clock)
    recorder = Recorder(
        backend,
        clock=clock,
        flush_seconds=config.flush_seconds,
        max_pending=config.max_pending,
        enabled=config.enabled,
        keep_raw=keep_raw,
    )
    return Analytics(recorder=recorder, backend=backend)
