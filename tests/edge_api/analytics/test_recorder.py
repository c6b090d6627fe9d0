"""The recorder: never blocks or raises, bounded, flushed a slice at a time."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

import msgspec
import pytest

from edge_api.analytics.backends import MemoryBackend, RedisBackend
from edge_api.analytics.batch import Batch, reduce_events
from edge_api.analytics.recorder import FLUSH_SLICE, Recorder
from edge_api.events import DecisionEvent
from edge_api.store import RedisStore
from tests.conftest import FakeClock

NOW = 1_800_000_000.0


def _event(sitekey: str = "pk_a", outcome: str = "passed", **extra: Any) -> DecisionEvent:
    fields: dict[str, Any] = {"score": 0.95, "model": "m1", "subnet": "s1"} | extra
    return DecisionEvent(kind="submit", sitekey=sitekey, ts=NOW, outcome=outcome, **fields)


class FailingBackend(MemoryBackend):
    async def write(self, batch: Batch) -> None:
        raise ConnectionError("redis is down")


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


def test_reduced_writes_as_commands() -> None:
    backend = RedisBackend(RedisStore("redis://127.0.0.1:1/0"), stream_maxlen=1000)
    events = [
        _event(sitekey=f"pk_{i % 2}", outcome="refused", reasons=("low_score",)) for i in range(200)
    ]
    names = [command[0] for command in backend.commands(reduce_events(events, NOW))]
    # 200 events of 2 sites in one minute: per site and window 4 counter fields, not 200.
    assert names.count("HINCRBY") == 2 * 2 * 4
    assert names.count("PFADD") == 2 * 2
    assert names.count("EVALSHA") == 2  # the subnet top list, per site and hour
    assert names.count("EXPIRE") == 2 * (2 + 2)  # counters and uniques (the script sets its own)
    assert names.count("XADD") == 200  # the raw stream keeps every event


def test_flush_lets_the_loop_run_between_slices() -> None:
    clock = FakeClock(NOW)
    backend = MemoryBackend(clock)
    recorder = Recorder(backend, clock=clock)
    clients = 3 * FLUSH_SLICE + 10  # four slices
    for i in range(clients):
        recorder.emit(_event(subnet=f"s{i}", outcome="refused"))

    async def scenario() -> tuple[int, int]:
        ticks = 0
        done = False

        async def probe() -> None:
            nonlocal ticks
            while not done:
                ticks += 1
                await asyncio.sleep(0)

        task = asyncio.create_task(probe())
        await asyncio.sleep(0)
        before = ticks
        written = await recorder.flush()
        during = ticks - before
        done = True
        await task
        return written, during

    written, during = asyncio.run(scenario())
    assert written == clients
    assert during >= 4  # the probe ran after each slice
    hashes, uniques = asyncio.run(
        backend.read([f"an:{{pk_a}}:m:{int(NOW)}"], [f"an:{{pk_a}}:um:{int(NOW)}"])
    )
    assert hashes[0]["c:submit:refused"] == clients
    assert uniques == clients
    top = asyncio.run(backend.tops([[f"an:{{pk_a}}:zs:{int(NOW) // 3600 * 3600}"]], 2000))[0]
    assert len(top) == clients


@pytest.mark.redis
def test_sliced_flush_on_redis(redis_url: str) -> None:
    """Many clients in one flush: every slice reaches Redis, on the store's pipeline."""
    clients = 2 * FLUSH_SLICE + 7

    async def scenario() -> tuple[int, dict[str, int], list[tuple[str, int]], int]:
        store = RedisStore(redis_url)
        prefix = f"pal-test-{secrets.token_hex(4)}:"
        backend = RedisBackend(store, prefix=prefix)
        recorder = Recorder(backend, clock=FakeClock(NOW))
        client = store.client
        try:
            for i in range(clients):
                recorder.emit(_event(subnet=f"s{i}", outcome="refused"))
                recorder.emit(_event(subnet=f"s{i}", outcome="refused"))
            before = store.round_trips
            written = await recorder.flush()
            hashes, _ = await backend.read([f"an:{{pk_a}}:m:{int(NOW)}"], [])
            top = (await backend.tops([[f"an:{{pk_a}}:zs:{int(NOW) // 3600 * 3600}"]], 5))[0]
            return written, hashes[0], top, store.round_trips - before
        finally:
            await client.delete(*(await client.keys(prefix + "*")))
            await store.close()

    written, counters, top, round_trips = asyncio.run(scenario())
    assert written == 2 * clients
    assert counters["c:submit:refused"] == 2 * clients
    assert [count for _, count in top] == [2] * 5
    assert round_trips >= 3  # three slices, each its own batch


def test_write_failure_drops_the_rest() -> None:
    async def scenario() -> tuple[int, int]:
        store = RedisStore("redis://127.0.0.1:1/0", timeout=0.2)  # nothing listens there
        recorder = Recorder(RedisBackend(store), clock=FakeClock(NOW))
        try:
            for i in range(FLUSH_SLICE + 1):
                recorder.emit(_event(subnet=f"s{i}"))
            return await recorder.flush(), recorder.dropped
        finally:
            await store.close()

    assert asyncio.run(scenario()) == (0, FLUSH_SLICE + 1)


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
        store = RedisStore(redis_url)
        client = store.client
        prefix = f"pal-test-{secrets.token_hex(4)}:"
        backend = RedisBackend(store, prefix=prefix, stream_maxlen=1000)
        recorder = Recorder(backend, clock=FakeClock(NOW), keep_raw=True)
        try:
            for i in range(3):
                recorder.emit(_event(action=f"a{i}", mode="managed"))
            await recorder.flush()
            entries = await client.xrange(backend.stream_key)
            return await client.xlen(backend.stream_key), entries
        finally:
            await client.delete(*(await client.keys(prefix + "*")))
            await store.close()

    length, entries = asyncio.run(scenario())
    assert length == 3
    first = msgspec.json.decode(entries[0][1][b"e"], type=DecisionEvent)
    assert first == _event(action="a0", mode="managed")
    assert msgspec.json.decode(entries[0][1][b"e"])["subnet"] == "s1"
