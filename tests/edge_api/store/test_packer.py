"""Commands packed by hiredis are the bytes redis-py's own packer makes, and both the
standalone and the cluster client use them."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from redis.asyncio.connection import Connection
from redis.exceptions import DataError

from edge_api.store import RedisStore
from edge_api.store._packer import HiredisConnection

pytestmark = pytest.mark.anyio

COMMANDS: list[tuple[Any, ...]] = [
    ("GET", "pal:key"),
    ("SET", "pal:{s:abc}:k", b"\x00\xffvalue", "PX", 120000, "NX", "GET"),
    ("EVALSHA", "a" * 40, 2, "k1", "k2", "1800000000.125", 7, 0.5, b"raw", "ünïcode"),
    ("SCRIPT LOAD", "return 1"),
    (b"CLUSTER SLOTS",),
    ("SET", "k", bytearray(b"buf")),
    ("SET", "k", memoryview(b"view")),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: str(c[0]))
def test_packs_the_bytes_redis_py_packs(command: tuple[Any, ...]) -> None:
    python_packer = Connection()
    assert b"".join(HiredisConnection().pack_command(*command)) == b"".join(
        bytes(chunk) for chunk in python_packer.pack_command(*command)
    )


def test_an_unpackable_argument_is_a_data_error() -> None:
    with pytest.raises(DataError):
        HiredisConnection().pack_command("SET", "k", object())


@pytest.mark.parametrize("fixture", ["redis_url", "redis_cluster_url"])
async def test_the_store_connects_with_the_hiredis_packer(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    url: str = request.getfixturevalue(fixture)
    store = RedisStore(url, prefix=f"packer:{secrets.token_hex(6)}:")
    try:
        await store.set("k", b"v", ttl=10)
        assert await store.get("k") == b"v"
        assert await store.ping()  # redis-py's own connections (the pipeline has its own)
        client = store.client
        if store.cluster:
            nodes = client.get_nodes()
            assert nodes
            pools = [node for node in nodes if node._connections or node._free]
            classes = {type(c) for node in pools for c in node._connections}
        else:
            classes = {type(c) for c in client.connection_pool._available_connections}
        assert classes == {HiredisConnection}
    finally:
        await store.close()
