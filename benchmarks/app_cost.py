"""CPU time per request inside the ASGI app (no HTTP server, no load generator), per step,
against the bare Starlette endpoint driven the same way in the same run.

    .venv/bin/python -m benchmarks.app_cost [--requests 4000] [--concurrency 32]
        [--redis redis://127.0.0.1:6379/14 | --embedded] [--steps challenge,submit]
        [--profile STEP]

On a shared machine wrk figures swing with the neighbours; the process CPU time an
app spends per request does much less, so this is the tool for before/after work on
the hot paths. ``--profile STEP`` runs that step under cProfile and prints the top
functions by own time. The whole HTTP figure is what bench_deployed prints.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import uvloop

from benchmarks import bare_app
from benchmarks._flow import (
    BARE_BODY,
    BROWSER_UA,
    CONTENT_TYPES,
    PATHS,
    STEPS,
    PalisadeWorkload,
    Site,
    add_payload_argument,
)
from benchmarks._harness import ADMIN_TOKEN
from benchmarks.bench_deployed import production_env
from edge_api.app import create_app
from edge_api.keys import KeyRing
from edge_api.settings import Settings

App = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


async def call(app: App, method: str, path: str, body: bytes, content_type: bytes) -> int:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1:8000"),
            (b"user-agent", BROWSER_UA.encode()),
            (b"content-type", content_type),
            (b"content-length", str(len(body)).encode()),
            (b"authorization", f"Bearer {ADMIN_TOKEN}".encode()),
        ],
        "client": ("203.0.113.9", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    sent = False
    status = 0
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.Event().wait()  # a client that stays connected
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    call.last_body = b"".join(chunks)  # type: ignore[attr-defined]
    return status


async def drive(
    app: App, path: str, bodies: list[bytes], content_type: bytes, workers: int
) -> tuple[float, float, dict[int, int]]:
    """Run every body through ``app`` with ``workers`` concurrent callers: (wall, cpu, statuses)."""
    statuses: dict[int, int] = {}
    queue = iter(bodies)

    async def worker() -> None:
        for body in queue:
            status = await call(app, "POST", path, body, content_type)
            statuses[status] = statuses.get(status, 0) + 1

    wall, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(workers)))
    return time.perf_counter() - wall, time.process_time() - cpu, statuses


async def lifespan_started(app: Any) -> Callable[[], Awaitable[None]]:
    """Run the app's lifespan startup; return a function that shuts it down."""
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    started = asyncio.Event()

    async def receive() -> dict[str, Any]:
        return await inbox.get()

    async def send(message: dict[str, Any]) -> None:
        if message["type"].startswith("lifespan.startup"):
            started.set()

    task = asyncio.create_task(app({"type": "lifespan", "state": {}}, receive, send))
    await inbox.put({"type": "lifespan.startup"})
    await started.wait()

    async def stop() -> None:
        await inbox.put({"type": "lifespan.shutdown"})
        await task

    return stop


async def run(args: argparse.Namespace) -> None:
    work = Path(tempfile.mkdtemp(prefix="palisade-app-cost-"))
    keys = KeyRing.generate_spec()
    env = production_env(work, args.redis, keys)
    if args.embedded:
        env.pop("PALISADE_REDIS_URL")
    settings = Settings.from_env(env)
    app = create_app(settings)
    stop = await lifespan_started(app)
    status = await call(
        app,
        "POST",
        "/admin/v1/sites",
        json.dumps({"hostnames": ["bench.example"], "score_threshold": 0.0}).encode(),
        b"application/json",
    )
    assert status == 201, (status, call.last_body)  # type: ignore[attr-defined]
    created = json.loads(call.last_body)  # type: ignore[attr-defined]
    workload = PalisadeWorkload(
        KeyRing.parse(keys),
        Site(created["sitekey"], created["secret"]),
        work,
        pages=args.payload == "page",
    )
    bare_bodies = [BARE_BODY.encode()] * args.requests
    print(
        f"store={'embedded' if args.embedded else args.redis} requests={args.requests} "
        f"concurrency={args.concurrency}"
    )
    print(workload.describe())
    print(f"{'step':<12}{'cpu us/req':>11}{'bare us/req':>12}{'ratio':>8}  statuses")
    for step in args.steps:
        bodies = workload.bodies(step, args.requests)
        content_type = CONTENT_TYPES[step].encode()
        await drive(app, PATHS[step], workload.bodies(step, 200), content_type, args.concurrency)
        await drive(bare_app.app, "/bare", bare_bodies[:200], b"application/json", args.concurrency)
        _, bare_cpu, _ = await drive(
            bare_app.app, "/bare", bare_bodies, b"application/json", args.concurrency
        )
        if args.profile == step:
            profiler = cProfile.Profile()
            profiler.enable()
        _, cpu, statuses = await drive(app, PATHS[step], bodies, content_type, args.concurrency)
        if args.profile == step:
            profiler.disable()
        per, bare_per = cpu / len(bodies) * 1e6, bare_cpu / len(bare_bodies) * 1e6
        print(f"{step:<12}{per:>11.0f}{bare_per:>12.0f}{bare_per / per:>8.1%}  {statuses}")
        if args.profile == step:
            pstats.Stats(profiler).sort_stats("tottime").print_stats(args.top)
    await stop()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--embedded", action="store_true", help="the in-memory store")
    parser.add_argument("--steps", type=lambda text: text.split(","), default=list(STEPS))
    parser.add_argument("--profile", choices=STEPS)
    parser.add_argument("--top", type=int, default=30)
    add_payload_argument(parser)
    args = parser.parse_args()
    uvloop.run(run(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
