"""The recorder: never blocks or raises, bounded, one pipeline per flush."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

import msgspec
import pytest
import redis.asyncio as aioredis

from edge_api.analytics.backends import MemoryBackend, RedisBackend
from edge_api.analytics.batch import Batch, reduce_events
from edge_api.analytics.recorder import Recorder
from edge_api.events import DecisionEvent
from tests.conftest import FakeClock

NOW = 1_800_000_000.0


def _event(sitekey: str = "pk_a", outcome: str = "passed", **extra: Any) -> DecisionEvent:
    fields: dict[str, Any] = {"score": 0.95, "model": "m1", "subnet": "s1"} | extra
    return DecisionEvent(kind="submit", sitekey=sitekey, ts=NOW, outcome=outcome, **fields)


class FailingBackend(MemoryBackend):
    async def write(self, batch: Batch) -> None:
        raise ConnectionError("redis is down")


class FakePipeline:
    def __init__(self, log: list[str]) -> None:
        self.log = log

    def __getattr__(self, name: str) -> Any:
        def command(*args: Any, **kwargs: Any) -> None:
            self.log.append(name)

        return command

    async def execute(self) -> list[Any]:
        self.log.append("EXECUTE")
        return []


class FakeClient:
    def __init__(self) -> None:
        self.log: list[str] = []
        self.pipelines = 0

    def pipeline(self, transaction: bool = True) -> FakePipeline:
        assert transaction is False
        self.pipelines += 1
        return FakePipeline(self.log)


def test_emit_never_raises_and_is_bounded() -> None:
    recorder = Recorder(MemoryBackend(FakeClock()), max_pending=3)
    recorder.emit(object())  # type: ignore[arg-type]  # a broken event is swallowed
    for _ in range(4):
        recorder.emit(_event())  # the same key: one buffer entry
    for i in range(4):
        recorder.emit(_event(sitekey=f"pk_{i}"))  # new keys, past the bound
    assert recorder.pending == 6
    assert recorder.dropped == 2


def test_store_failure_drops_and_counts() -> None:
    recorder = Recorder(FailingBackend(FakeClock()), clock=FakeClock(NOW))
    recorder.emit(_event())
    recorder.emit(_event())
    assert asyncio.run(recorder.flush()) == 0
    assert (recorder.pending, recorder.dropped) == (0, 2)


def test_one_pipeline_per_flush_with_reduced_writes() -> None:
    client = FakeClient()
    backend = RedisBackend(client, stream_maxlen=1000)
    recorder = Recorder(backend, clock=FakeClock(NOW), keep_raw=True)
    for i in range(200):
        recorder.emit(_event(sitekey=f"pk_{i % 2}", outcome="refused", reasons=("low_score",)))
    assert asyncio.run(recorder.flush()) == 200
    assert client.pipelines == 1
    assert client.log.count("EXECUTE") == 1
    # 200 events of 2 sites in one minute: per site and window 4 counter fields, not 200.
    assert client.log.count("hincrby") == 2 * 2 * 4
    assert client.log.count("pfadd") == 2 * 2
    assert client.log.count("zincrby") == 2  # the one subnet, per site, per hour
    assert client.log.count("xadd") == 200  # the raw stream keeps every event


def test_reduce_skips_events_past_retention() -> None:
    old = DecisionEvent(kind="challenge", sitekey="pk", ts=NOW - 3 * 86_400, outcome="issued")
    batch = reduce_events([old], NOW)
    assert list(batch.counters) == [f"an:{{pk}}:h:{int(NOW - 3 * 86_400)}"]


def test_background_flush_and_final_flush_on_stop() -> None:
    clock = FakeClock(NOW)
    backend = MemoryBackend(clock)
    recorder = Recorder(backend, clock=clock, flush_seconds=0.01)

    async def scenario() -> tuple[int, int]:
        await recorder.start()
        recorder.emit(_event())
        await asyncio.sleep(0.1)
        first = recorder.flushed
        recorder.emit(_event())
        await recorder.stop()
        return first, recorder.flushed

    assert asyncio.run(scenario()) == (1, 2)
    hashes, uniques = asyncio.run(
        backend.read([f"an:{{pk_a}}:m:{int(NOW)}"], [f"an:{{pk_a}}:um:{int(NOW)}"])
    )
    assert hashes[0]["c:submit:passed"] == 2
    assert uniques == 1


@pytest.mark.redis
def test_raw_event_stream(redis_url: str) -> None:
    async def scenario() -> tuple[int, list[Any]]:
        client = aioredis.Redis.from_url(redis_url)
        prefix = f"pal-test-{secrets.token_hex(4)}:"
        backend = RedisBackend(client, prefix=prefix, stream_maxlen=1000)
        recorder = Recorder(backend, clock=FakeClock(NOW), keep_raw=True)
        try:
            for i in range(3):
                recorder.emit(_event(action=f"a{i}", mode="managed"))
            await recorder.flush()
            entries = await client.xrange(backend.stream_key)
            return await client.xlen(backend.stream_key), entries
        finally:
            await client.delete(*(await client.keys(prefix + "*")))
            await client.aclose()

    length, entries = asyncio.run(scenario())
    assert length == 3
    first = msgspec.json.decode(entries[0][1][b"e"], type=DecisionEvent)
    assert first == _event(action="a0", mode="managed")
    assert msgspec.json.decode(entries[0][1][b"e"])["subnet"] == "s1"
