"""Command packing in C: redis-py's asyncio connections pack commands in Python.

The gate script call carries some thirty arguments, and redis-py's pure-Python
``pack_command`` spent about 48 µs on each (hiredis: 6 µs), the largest single cost of a
challenge. redis-py's synchronous client already packs with hiredis; these connection
classes do the same for the asyncio client, standalone and cluster.
"""

from __future__ import annotations

from typing import Any

import hiredis
from redis.asyncio.connection import Connection, SSLConnection
from redis.exceptions import DataError

__all__ = ["HiredisConnection", "HiredisSSLConnection", "pack", "use_hiredis_packer"]


def pack(args: tuple[Any, ...]) -> bytes:
    """One command in RESP, packed by hiredis."""
    # Same argument rules as redis-py's packers: a command name with spaces
    # ("SCRIPT LOAD") is several arguments, and buffers travel as bytes. hiredis takes
    # str, bytes, int and float; the rarer types are converted only when it refuses.
    first = args[0]
    if (" " in first) if isinstance(first, str) else (b" " in first):
        args = (*first.split(), *args[1:])
    try:
        packed: bytes = hiredis.pack_command(args)
        return packed
    except TypeError:
        pass
    converted: tuple[Any, ...] = tuple(
        bytes(a) if isinstance(a, (bytearray, memoryview)) else a for a in args
    )
    try:
        packed = hiredis.pack_command(converted)
        return packed
    except TypeError as exc:
        raise DataError(str(exc)) from exc


class HiredisConnection(Connection):
    def pack_command(self, *args: Any) -> list[bytes]:
        return [pack(args)]


class HiredisSSLConnection(SSLConnection):
    def pack_command(self, *args: Any) -> list[bytes]:
        return [pack(args)]


def use_hiredis_packer(client: Any, *, cluster: bool) -> None:
    """Make ``client`` (a redis.asyncio Redis or RedisCluster, before its first command)
    open connections that pack with hiredis."""
    if not cluster:
        pool = client.connection_pool
        ssl = issubclass(pool.connection_class, SSLConnection)
        pool.connection_class = HiredisSSLConnection if ssl else HiredisConnection
        return
    # The cluster client makes a node (and its connections) per discovered primary from
    # these keyword arguments, and has made the seed node already.
    ssl = issubclass(client.connection_kwargs["connection_class"], SSLConnection)
    packer_class = HiredisSSLConnection if ssl else HiredisConnection
    client.connection_kwargs["connection_class"] = packer_class
    client.nodes_manager.connection_kwargs["connection_class"] = packer_class
    for node in client.nodes_manager.startup_nodes.values():
        node.connection_class = packer_class
