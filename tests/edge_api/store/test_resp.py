"""The pipelined connection on real Redis servers: its set-up (password, database, a
Unix socket), losing the connection, and closing with replies still owed."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from edge_api import StoreUnavailable
from edge_api.store import RedisStore
from edge_api.store._resp import CLIENT_NAME, supports
from tests.conftest import free_port, launch_redis, wait_for_redis

pytestmark = pytest.mark.anyio

PASSWORD = "s3cret-" + secrets.token_hex(4)


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """A redis-server with a password, on a port and a Unix socket."""
    port = free_port()
    socket = tmp_path / "redis.sock"
    process = launch_redis(port, tmp_path, "--requirepass", PASSWORD, "--unixsocket", str(socket))
    try:
        wait_for_redis(port)
        yield port, socket
    finally:
        process.kill()
        process.wait(timeout=10)


def _pipelines(client: redis.Redis) -> list[dict[str, object]]:
    return [c for c in client.client_list() if c.get("name") == CLIENT_NAME]


async def test_authenticates_and_selects_the_database(private_redis: tuple[int, Path]) -> None:
    port, _ = private_redis
    store = RedisStore(f"redis://:{PASSWORD}@127.0.0.1:{port}/3", prefix="auth:")
    admin = redis.Redis(port=port, password=PASSWORD, db=3)
    try:
        await store.set("k", b"in db 3", ttl=30)
        assert admin.get("auth:k") == b"in db 3"
        assert redis.Redis(port=port, password=PASSWORD, db=0).get("auth:k") is None
        assert [c["db"] for c in _pipelines(admin)] == ["3"]
    finally:
        await store.close()
        admin.close()


async def test_a_wrong_password_is_store_unavailable(private_redis: tuple[int, Path]) -> None:
    port, _ = private_redis
    store = RedisStore(f"redis://:wrong@127.0.0.1:{port}/0", prefix="auth:")
    try:
        with pytest.raises(StoreUnavailable, match="set-up"):
            await store.get("k")
    finally:
        await store.close()


async def test_connects_over_a_unix_socket(private_redis: tuple[int, Path]) -> None:
    port, socket = private_redis
    url = f"unix://:{PASSWORD}@{socket}?db=2"
    assert supports(url)
    store = RedisStore(url, prefix="unix:")
    try:
        await store.set("k", b"over the socket", ttl=30)
        assert redis.Redis(port=port, password=PASSWORD, db=2).get("unix:k") == b"over the socket"
    finally:
        await store.close()


async def test_a_killed_connection_is_replaced(private_redis: tuple[int, Path]) -> None:
    port, _ = private_redis
    store = RedisStore(f"redis://:{PASSWORD}@127.0.0.1:{port}/0", prefix="kill:")
    admin = redis.Redis(port=port, password=PASSWORD)
    try:
        await store.set("k", b"kept", ttl=30)
        (first,) = [c["id"] for c in _pipelines(admin)]
        admin.client_kill_filter(_id=str(first))
        outcomes: list[bytes | StoreUnavailable | None] = []
        for _ in range(3):  # the kill may land before or after the next command is sent
            try:
                outcomes.append(await store.get("k"))
                break
            except StoreUnavailable as exc:
                outcomes.append(exc)
        assert outcomes[-1] == b"kept"
        assert len(outcomes) <= 2
        assert [c["id"] for c in _pipelines(admin)] not in ([], [first])
    finally:
        await store.close()
        admin.close()


async def test_callers_before_the_first_connection_share_it(
    private_redis: tuple[int, Path],
) -> None:
    port, _ = private_redis
    store = RedisStore(f"redis://:{PASSWORD}@127.0.0.1:{port}/0", prefix="first:")
    admin = redis.Redis(port=port, password=PASSWORD)

    async def after(turns: int) -> bytes | None:
        for _ in range(turns):
            await asyncio.sleep(0)
        return await store.get("missing")

    try:
        # Batches from several loop turns, all while the connection is being made.
        assert await asyncio.gather(*(after(turns) for turns in range(6))) == [None] * 6
        assert len(_pipelines(admin)) == 1
    finally:
        await store.close()
        admin.close()


async def test_close_waits_for_the_replies_in_flight(redis_url: str) -> None:
    store = RedisStore(redis_url, prefix=f"close:{secrets.token_hex(6)}:")
    try:
        await store.set("k", b"answered", ttl=30)
        reads = [asyncio.ensure_future(store.get("k")) for _ in range(50)]
        await asyncio.sleep(0)  # each read has queued its command
    finally:
        await store.close()
    assert [await read for read in reads] == [b"answered"] * 50


def test_tls_urls_stay_with_redis_py() -> None:
    assert not supports("rediss://127.0.0.1:6380/0")
    assert supports("redis://127.0.0.1:6379/0")


def _cluster_nodes(url: str) -> dict[int, redis.Redis]:
    """Port -> client of each primary of the test cluster."""
    seed = redis.Redis.from_url(url.replace("redis+cluster://", "redis://", 1))
    ports = {int(primary[1]) for _, _, primary, *_ in seed.execute_command("CLUSTER SLOTS")}
    seed.close()
    return {port: redis.Redis(port=port) for port in sorted(ports)}


def _owner(nodes: dict[int, redis.Redis], slot: int) -> int:
    any_node = next(iter(nodes.values()))
    for start, end, primary, *_ in any_node.execute_command("CLUSTER SLOTS"):
        if start <= slot <= end:
            return int(primary[1])
    raise AssertionError(f"no owner for slot {slot}")


def _slot_of(store: RedisStore, key: str) -> int:
    """The cluster slot of ``key`` as the store names it (with its prefix)."""
    return int(store.client.keyslot(f"{store._prefix}{key}"))


async def test_a_moved_slot_is_learnt_and_the_command_resent(redis_cluster_url: str) -> None:
    store = RedisStore(redis_cluster_url, prefix=f"moved:{secrets.token_hex(6)}:")
    try:
        await store.set("{t}k", b"where it lives", ttl=30)
        client = store.client
        slot = _slot_of(store, "{t}k")
        right = client.nodes_manager.get_node_from_slot(slot)
        wrong = next(n for n in client.get_primaries() if n.name != right.name)
        client.nodes_manager.slots_cache[slot] = [wrong]  # a stale view of the cluster
        assert await store.get("{t}k") == b"where it lives"  # MOVED, slots learnt, resent
        assert client.nodes_manager.get_node_from_slot(slot).name == right.name
    finally:
        await store.close()


async def test_a_migrating_slot_is_asked_of_the_importing_node(redis_cluster_url: str) -> None:
    store = RedisStore(redis_cluster_url, prefix=f"ask:{secrets.token_hex(6)}:")
    nodes = _cluster_nodes(redis_cluster_url)
    try:
        await store.set("{a}present", b"here", ttl=30)
        key = f"{store._prefix}{{a}}missing"
        slot = int(next(iter(nodes.values())).execute_command("CLUSTER KEYSLOT", key))
        source_port = _owner(nodes, slot)
        target_port = next(port for port in nodes if port != source_port)
        source, target = nodes[source_port], nodes[target_port]
        source_id = source.execute_command("CLUSTER MYID").decode()
        target_id = target.execute_command("CLUSTER MYID").decode()
        target.execute_command("CLUSTER SETSLOT", slot, "IMPORTING", source_id)
        source.execute_command("CLUSTER SETSLOT", slot, "MIGRATING", target_id)
        try:
            # Not on the source any more: it answers ASK, the target answers after ASKING.
            assert await store.get("{a}missing") is None
            assert await store.get("{a}present") == b"here"  # still on the source
        finally:
            for node in (source, target):
                node.execute_command("CLUSTER SETSLOT", slot, "NODE", source_id)
    finally:
        await store.close()
        for node in nodes.values():
            node.close()


async def test_a_slot_with_no_known_node_fails_fast_then_is_learnt(redis_cluster_url: str) -> None:
    store = RedisStore(redis_cluster_url, prefix=f"slot:{secrets.token_hex(6)}:")
    try:
        await store.set("{u}k", b"v", ttl=30)
        client = store.client
        slot = _slot_of(store, "{u}k")
        del client.nodes_manager.slots_cache[slot]  # as if the cluster lost that slot
        with pytest.raises(StoreUnavailable):
            async with asyncio.timeout(5):  # failing, not hanging
                await store.get("{u}k")
        for _ in range(200):  # the topology is asked again in the background
            if slot in client.nodes_manager.slots_cache:
                break
            await asyncio.sleep(0.01)
        assert await store.get("{u}k") == b"v"
    finally:
        await store.close()
