"""Redis memory per tracked client, measured on a private redis-server.

    .venv/bin/python -m benchmarks.redis_memory [--clients 20000]

Drives the real gate (the challenge path: limits and reputation) for N distinct
clients in N/256 subnets on one site, and prints used_memory growth per client and
the TTL of each key kind.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import tempfile
import time

import redis

from benchmarks._harness import free_port
from edge_api.guard import Client, Guard
from edge_api.settings import Settings
from edge_api.sites import Site
from edge_api.store import RedisStore


async def drive(url: str, clients: int) -> None:
    store = RedisStore(url)
    guard = Guard(Settings(), store, b"k" * 32)
    site = Site(sitekey="pk_memory", secret_hash="x", hostnames=["example.com"])
    now = time.time()
    batch = []
    for i in range(clients):
        client = Client(ip_hash=f"ip{i:08d}xx", subnet_hash=f"net{i // 256:06d}xxxxxxx")
        batch.append(guard.at_challenge(site.sitekey, site, client, now))
        if len(batch) == 500:
            await asyncio.gather(*batch)
            batch = []
    await asyncio.gather(*batch)
    await store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=20_000)
    args = parser.parse_args()
    port = free_port()
    workdir = tempfile.mkdtemp()
    server = shutil.which("redis-server") or "redis-server"
    process = subprocess.Popen(
        [server, "--port", str(port), "--save", "", "--dir", workdir], stdout=subprocess.DEVNULL
    )
    try:
        client = redis.Redis(port=port)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        before = int(client.info("memory")["used_memory"])
        asyncio.run(drive(f"redis://127.0.0.1:{port}/0", args.clients))
        after = int(client.info("memory")["used_memory"])
        keys = int(client.dbsize())
        print(f"clients={args.clients} keys={keys} used_memory_delta={after - before} bytes")
        print(
            f"bytes per client (IP limit, per-site IP limit, IP reputation, shared subnet "
            f"keys): {(after - before) / args.clients:.0f}"
        )
        for pattern in (
            "pal:lim:ip:*",
            "pal:lim:sip:*",
            "pal:lim:net:*",
            "pal:rep:ip:*",
            "pal:rep:net:*",
            "pal:lim:site:*",
        ):
            key = next(client.scan_iter(match=pattern, count=1000), None)
            if key is not None:
                print(
                    f"{pattern:<18} memory={client.memory_usage(key)} B  ttl={client.pttl(key)} ms"
                )
    finally:
        process.terminate()
        process.wait()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
