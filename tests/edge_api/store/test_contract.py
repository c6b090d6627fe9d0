"""One contract, every store: the embedded memory store and a real Redis server."""

from __future__ import annotations

import pytest

from edge_api.store import MemoryStore, RedisStore, Store
from tests.conftest import FakeClock

pytestmark = pytest.mark.anyio


async def test_claim_is_single_use_and_remembers_the_claimant(store: Store) -> None:
    assert await store.claim("ch:a", 30, b"first") is None
    assert await store.claim("ch:a", 30, b"second") == b"first"
    assert await store.claim("ch:b", 30) is None


async def test_claim_sets_ttl(store: Store) -> None:
    await store.claim("ch:ttl", 30)
    remaining = await store.ttl("ch:ttl")
    assert remaining is not None
    assert 29 < remaining <= 30


async def test_get_set_delete(store: Store) -> None:
    assert await store.get("k") is None
    await store.set("k", b"v1")
    assert await store.get("k") == b"v1"
    assert await store.ttl("k") is None
    await store.set("k", b"v2", ttl=10)
    assert await store.get("k") == b"v2"
    remaining = await store.ttl("k")
    assert remaining is not None
    assert 9 < remaining <= 10
    assert await store.delete("k", "never") == 1
    assert await store.get("k") is None


async def test_counters(store: Store) -> None:
    assert await store.incr("c", ttl=60) == 1
    assert await store.incr("c", 5, ttl=60) == 6
    remaining = await store.ttl("c")
    assert remaining is not None
    assert 59 < remaining <= 60
    assert await store.incr("plain") == 1
    assert await store.ttl("plain") is None


async def test_indexes(store: Store) -> None:
    assert await store.index_members("idx") == set()
    await store.index_add("idx", "a")
    await store.index_add("idx", "b")
    await store.index_add("idx", "a")
    assert await store.index_members("idx") == {"a", "b"}
    await store.index_remove("idx", "a")
    assert await store.index_members("idx") == {"b"}


async def test_ping(store: Store) -> None:
    assert await store.ping() is True


async def test_memory_store_expires_on_the_clock(clock: FakeClock) -> None:
    memory = MemoryStore(clock=clock)
    await memory.claim("ch:x", 10, b"1")
    await memory.set("v", b"1", ttl=5)
    await memory.incr("n", ttl=20)
    clock.advance(5)
    assert await memory.get("v") is None
    assert await memory.claim("ch:x", 10, b"2") == b"1"
    clock.advance(5)
    assert await memory.claim("ch:x", 10, b"3") is None  # expired: claimable again
    clock.advance(10)
    assert await memory.incr("n") == 1  # counter expired and restarted


async def test_unreachable_redis_raises_store_unavailable() -> None:
    from edge_api import StoreUnavailable

    dead = RedisStore("redis://127.0.0.1:1/0", timeout=0.2)
    assert await dead.ping() is False
    with pytest.raises(StoreUnavailable):
        await dead.get("x")
    with pytest.raises(StoreUnavailable):
        await dead.claim("x", 1)
    await dead.close()
