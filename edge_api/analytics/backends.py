"""Where aggregates live: Redis (written on the store's pipeline, a flush slice at a time;
read with one redis-py pipeline per query) or memory.

Both implement the same small interface over the same key layout
(:mod:`edge_api.analytics.schema`), so the query code is shared and the embedded
store answers exactly what Redis would.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Awaitable, Callable
from importlib import resources
from typing import Any, Protocol

import msgspec

from edge_api.analytics.batch import Batch
from edge_api.analytics.schema import TOP_CAP
from edge_api.metrics import observe_redis
from edge_api.store import RedisStore

__all__ = ["Backend", "MemoryBackend", "RedisBackend"]

Top = list[tuple[str, int]]
_event_encoder = msgspec.json.Encoder()
TOPS_SCRIPT = resources.files("edge_api.analytics").joinpath("tops.lua").read_text()


class Backend(Protocol):
    async def write(self, batch: Batch) -> None:
        """Apply one reduced batch (raises on failure; the recorder counts and drops)."""
        ...

    async def read(
        self, counter_keys: list[str], unique_keys: list[str]
    ) -> tuple[list[dict[str, int]], int]:
        """The counter hashes, in order, and the unique clients across ``unique_keys``."""
        ...

    async def tops(self, groups: list[list[str]], limit: int) -> list[Top]:
        """For each group of sorted sets: the ``limit`` highest members of their union."""
        ...


class RedisBackend:
    """Aggregates in Redis (``pal:`` prefixed keys): written through the store's own
    pipeline, read (admin and dashboard queries) through its redis-py client."""

    def __init__(self, store: RedisStore, *, prefix: str = "pal:", stream_maxlen: int = 0) -> None:
        self._store = store
        self._client = store.client
        self._tops_sha = store.register_script(TOPS_SCRIPT)
        self._prefix = prefix
        self._stream_maxlen = stream_maxlen
        self.stream_key = prefix + "an:events"

    async def write(self, batch: Batch) -> None:
        await _timed(self._store.call_many(self.commands(batch)), "analytics_write")

    def commands(self, batch: Batch) -> list[tuple[Any, ...]]:
        """The batch as Redis commands (full key names)."""
        p = self._prefix
        commands: list[tuple[Any, ...]] = []
        for key, fields in batch.counters.items():
            commands.extend(("HINCRBY", p + key, name, amount) for name, amount in fields.items())
        for key, members in batch.uniques.items():
            commands.append(("PFADD", p + key, *members))
        for key, scores in batch.tops.items():
            pairs = [part for member, amount in scores.items() for part in (amount, member)]
            ttl = batch.ttls[key]
            commands.append(("EVALSHA", self._tops_sha, 1, p + key, TOP_CAP, ttl, *pairs))
        commands.extend(
            ("EXPIRE", p + key, ttl) for key, ttl in batch.ttls.items() if key not in batch.tops
        )
        if self._stream_maxlen > 0:
            maxlen = self._stream_maxlen
            commands.extend(
                ("XADD", self.stream_key, "MAXLEN", "~", maxlen, "*", "e", _event_encoder.encode(e))
                for e in batch.events
            )
        return commands

    async def read(
        self, counter_keys: list[str], unique_keys: list[str]
    ) -> tuple[list[dict[str, int]], int]:
        p = self._prefix
        pipe = self._client.pipeline(transaction=False)
        for key in counter_keys:
            pipe.hgetall(p + key)
        if unique_keys:
            # (execute_command: redis-py's cluster pipeline blocks pfcount() by name, though
            # these keys share the site's hash tag, so one node answers.)
            pipe.execute_command("PFCOUNT", *[p + key for key in unique_keys])
        replies = await _timed(pipe.execute(), "analytics_read")
        hashes = [
            {name.decode(): int(value) for name, value in reply.items()}
            for reply in replies[: len(counter_keys)]
        ]
        uniques = int(replies[-1]) if unique_keys else 0
        return hashes, uniques

    async def tops(self, groups: list[list[str]], limit: int) -> list[Top]:
        p = self._prefix
        pipe = self._client.pipeline(transaction=False)
        temps = []
        for keys in groups:
            if not keys:
                temps.append("")
                continue
            # The temporary union shares the hash tag (the site) of the keys it merges.
            tag = keys[0][: keys[0].index("}") + 1]
            temp = f"{p}{tag}:tmp:{secrets.token_hex(6)}"
            temps.append(temp)
            pipe.zunionstore(temp, [p + key for key in keys])
            pipe.zrange(temp, 0, limit - 1, desc=True, withscores=True)
            pipe.delete(temp)
        replies = await _timed(pipe.execute(), "analytics_read")
        answers: list[Top] = []
        index = 0
        for temp in temps:
            if not temp:
                answers.append([])
                continue
            rows = replies[index + 1]
            index += 3
            top = [(member.decode(), int(score)) for member, score in rows]
            answers.append(sorted(top, key=lambda kv: (-kv[1], kv[0])))
        return answers


async def _timed(work: Awaitable[list[Any]], operation: str) -> list[Any]:
    """``work``'s replies, its time and outcome observed under ``operation``."""
    start = time.perf_counter()
    try:
        replies = await work
    except Exception:
        observe_redis(operation, time.perf_counter() - start, ok=False)
        raise
    observe_redis(operation, time.perf_counter() - start, ok=True)
    return replies


class _Entry:
    __slots__ = ("expires", "value")

    def __init__(self, value: dict[str, int] | set[str]) -> None:
        self.value = value
        self.expires = float("inf")


class MemoryBackend:
    """The same aggregates in this process, expiring on the app's clock."""

    SWEEP_EVERY = 64

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._data: dict[str, _Entry] = {}
        self._writes = 0

    def _live(self, key: str, now: float) -> _Entry | None:
        entry = self._data.get(key)
        if entry is not None and entry.expires <= now:
            del self._data[key]
            return None
        return entry

    def _entry(self, key: str, now: float, make: Callable[[], dict[str, int] | set[str]]) -> _Entry:
        entry = self._live(key, now)
        if entry is None:
            entry = self._data[key] = _Entry(make())
        return entry

    async def write(self, batch: Batch) -> None:
        now = self._clock()
        for key, fields in batch.counters.items():
            counters = self._entry(key, now, dict).value
            assert isinstance(counters, dict)
            for name, amount in fields.items():
                counters[name] = counters.get(name, 0) + amount
        for key, members in batch.uniques.items():
            clients = self._entry(key, now, set).value
            assert isinstance(clients, set)
            clients.update(members)
        for key, scores in batch.tops.items():
            zset = self._entry(key, now, dict).value
            assert isinstance(zset, dict)
            for member, amount in scores.items():
                zset[member] = zset.get(member, 0) + amount
            if len(zset) > TOP_CAP:
                keep = sorted(zset.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_CAP]
                zset.clear()
                zset.update(keep)
        for key, ttl in batch.ttls.items():
            entry = self._data.get(key)
            if entry is not None:
                entry.expires = now + ttl
        self._writes += 1
        if self._writes % self.SWEEP_EVERY == 0:
            self._sweep(now)

    def _sweep(self, now: float) -> None:
        for key in [k for k, e in self._data.items() if e.expires <= now]:
            del self._data[key]

    def ttl(self, key: str) -> float | None:
        """Seconds left for ``key`` (tests)."""
        entry = self._live(key, self._clock())
        return None if entry is None else entry.expires - self._clock()

    async def read(
        self, counter_keys: list[str], unique_keys: list[str]
    ) -> tuple[list[dict[str, int]], int]:
        now = self._clock()
        hashes = []
        for key in counter_keys:
            entry = self._live(key, now)
            value = None if entry is None else entry.value
            hashes.append(dict(value) if isinstance(value, dict) else {})
        clients: set[str] = set()
        for key in unique_keys:
            entry = self._live(key, now)
            if entry is not None and isinstance(entry.value, set):
                clients |= entry.value
        return hashes, len(clients)

    async def tops(self, groups: list[list[str]], limit: int) -> list[Top]:
        now = self._clock()
        answers: list[Top] = []
        for keys in groups:
            union: dict[str, int] = {}
            for key in keys:
                entry = self._live(key, now)
                if entry is not None and isinstance(entry.value, dict):
                    for member, score in entry.value.items():
                        union[member] = union.get(member, 0) + score
            ranked = sorted(union.items(), key=lambda kv: (-kv[1], kv[0]))
            answers.append(ranked[:limit])
        return answers
