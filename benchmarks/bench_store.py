"""CPU per Redis command through the store's auto-pipeline, against redis-py's asyncio
client called directly in the same run, at several numbers of concurrent callers.

    taskset -c 0 .venv/bin/python -m benchmarks.bench_store [--redis redis://127.0.0.1:6379/14
        | redis+cluster://127.0.0.1:7001]
        [--commands 4000] [--concurrency 1,4,32]

As deployed a worker's batches hold only a few requests, so the cost per batch (not
per command) is what the low-concurrency columns show. Process CPU time (not wall
time), min of three runs per cell: Redis's own CPU is not in it.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

import redis.asyncio as aioredis
import uvloop
from redis.asyncio.cluster import RedisCluster

from edge_api.store import RedisStore

Get = Callable[[], Awaitable[object]]


async def cpu_per_call(get: Get, calls: int, concurrency: int) -> float:
    remaining = iter(range(calls))

    async def caller() -> None:
        for _ in remaining:
            await get()

    start = time.process_time()
    await asyncio.gather(*(caller() for _ in range(concurrency)))
    return (time.process_time() - start) / calls * 1e6


async def run(args: argparse.Namespace) -> None:
    prefix = f"bench-store:{secrets.token_hex(4)}:"
    store = RedisStore(args.redis, prefix=prefix)
    client: Any
    if store.cluster:
        client = RedisCluster.from_url(args.redis.replace("+cluster", "", 1))
    else:
        client = aioredis.Redis.from_url(args.redis, max_connections=64)
    await store.set("k", b"value", ttl=120)

    def store_get() -> Awaitable[object]:
        return store.get("k")

    def client_get() -> Awaitable[object]:
        return client.get(prefix + "k")

    print(f"redis={args.redis} commands={args.commands} (CPU µs per GET, min of 3)")
    print(f"{'callers':>8}{'redis-py':>10}{'store':>8}{'store / redis-py':>18}")
    for concurrency in args.concurrency:
        figures = []
        for get in (client_get, store_get):
            await cpu_per_call(get, 300, concurrency)  # connections made, code warm
            figures.append(
                min([await cpu_per_call(get, args.commands, concurrency) for _ in range(3)])
            )
        baseline, ours = figures
        print(f"{concurrency:>8}{baseline:>10.1f}{ours:>8.1f}{ours / baseline:>18.2f}")
    await store.close()
    await client.aclose()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--commands", type=int, default=4000)
    parser.add_argument(
        "--concurrency", type=lambda text: [int(n) for n in text.split(",")], default=[1, 4, 32]
    )
    uvloop.run(run(parser.parse_args()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
