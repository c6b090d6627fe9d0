"""Automatic pipelining on a real Redis: replies reach their own callers, and a batch
cut off mid-way leaves nothing behind on a pooled connection."""

from __future__ import annotations

import asyncio
import secrets
import signal

import pytest

from edge_api import StoreError, StoreUnavailable
from edge_api.store import RedisStore
from tests.conftest import RedisProcess

pytestmark = pytest.mark.anyio


async def test_an_error_reply_fails_only_its_own_command(redis_url: str) -> None:
    store = RedisStore(redis_url, prefix=f"err:{secrets.token_hex(6)}:")
    try:
        await store.set("text", b"not a number", ttl=10)
        results = await asyncio.gather(
            store.incr("text", 1, ttl=10),
            store.incr("counter", 5, ttl=10),
            store.get("text"),
            return_exceptions=True,
        )
        assert isinstance(results[0], StoreError)
        assert results[1:] == [5, b"not a number"]
    finally:
        await store.close()


async def test_a_batch_cut_off_by_the_timeout_leaves_no_reply_behind(
    redis_process: RedisProcess,
) -> None:
    store = RedisStore(redis_process.url, prefix="cut:", timeout=0.2)
    process = redis_process.process
    assert process is not None
    try:
        await store.set("a", b"first", ttl=60)
        await store.set("b", b"second", ttl=60)
        process.send_signal(signal.SIGSTOP)  # Redis takes the command but cannot answer
        try:
            with pytest.raises(StoreUnavailable):
                await store.get("a")
        finally:
            process.send_signal(signal.SIGCONT)
        # Had the connection gone back to the pool, this would read "a"'s late reply.
        assert await store.get("b") == b"second"
        assert await store.get("a") == b"first"
    finally:
        await store.close()


async def test_an_unsendable_argument_fails_only_its_own_command(redis_url: str) -> None:
    store = RedisStore(redis_url, prefix=f"arg:{secrets.token_hex(6)}:")
    try:
        await store.set("k", b"fine", ttl=10)
        results = await asyncio.gather(
            store.set("bad", object(), ttl=10),  # type: ignore[arg-type]
            store.get("k"),
            return_exceptions=True,
        )
        assert isinstance(results[0], StoreError)
        assert results[1] == b"fine"
    finally:
        await store.close()


async def test_call_many_sends_together_and_raises_the_first_failure(redis_url: str) -> None:
    prefix = f"many:{secrets.token_hex(6)}:"
    store = RedisStore(redis_url, prefix=prefix)
    try:
        await store.get("warm")
        before = store.round_trips
        replies = await store.call_many(
            [("HINCRBY", prefix + "h", "a", 2), ("HINCRBY", prefix + "h", "a", 3)]
            + [("PFADD", prefix + "u", f"m{i}") for i in range(10)]
        )
        assert replies[:2] == [2, 5]
        assert store.round_trips - before == 1
        await store.set("text", b"not a hash", ttl=10)
        with pytest.raises(StoreError, match="WRONGTYPE"):
            await store.call_many(
                [("HINCRBY", prefix + "text", "a", 1), ("HINCRBY", prefix + "h", "a", 1)]
            )
        # The other command of the failed call was applied all the same.
        assert await store.client.hget(prefix + "h", "a") == b"6"
    finally:
        await store.client.delete(prefix + "h", prefix + "u", prefix + "text")
        await store.close()


async def test_a_registered_script_loads_on_first_use_and_after_script_flush(
    redis_url: str,
) -> None:
    prefix = f"script:{secrets.token_hex(6)}:"
    store = RedisStore(redis_url, prefix=prefix)
    source = "return redis.call('INCRBY', KEYS[1], ARGV[1]) -- " + secrets.token_hex(8)
    try:
        sha = store.register_script(source)  # unknown to Redis so far
        assert await store.call_many([("EVALSHA", sha, 1, prefix + "n", 4)]) == [4]
        await store.client.script_flush()
        assert await store.call_many([("EVALSHA", sha, 1, prefix + "n", 1)]) == [5]
    finally:
        await store.client.delete(prefix + "n")
        await store.close()
