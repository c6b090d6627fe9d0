"""Request-path cost of analytics: the same server with the recorder on vs off, one run.

    .venv/bin/python -m benchmarks.bench_analytics [--seconds 6] [--rounds 3]
        [--redis redis://127.0.0.1:6379/14] [--access-log]

``palisade serve`` (uvicorn, uvloop, httptools, one worker) with ``PALISADE_ANALYTICS``
on or off (and, with ``--access-log``, the JSON access log on the "on" side); a fresh
server per run, one at a time, alternating on/off. wrk drives ``POST /v1/challenge``
(every request is a decision event: the cheapest endpoint that records one, so the
relative cost is the largest). Two figures are compared:

* throughput: the best run of each (sensitive to other load on the machine);
* server CPU time per request (``/proc/<pid>/stat``): the median over rounds of the
  on/off ratio of adjacent runs, which cancels slow drifts in machine load. This is
  what analytics add to the request path, and far steadier on a shared machine.

Goal (issue 6): at most 5% slower with analytics on. The exit status follows the
CPU-per-request ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from benchmarks._harness import ADMIN_TOKEN, create_site, free_port, run_wrk, server
from edge_api.settings import DEFAULT_LIMITS

CONNECTIONS = 32

WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"sitekey": "%s", "hostname": "bench.example"}'
"""


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _micro() -> tuple[float, float, float]:
    """In-process: emit() with the recorder on and off, and flush, in us per event."""
    import asyncio
    import timeit

    from edge_api.analytics.backends import MemoryBackend
    from edge_api.analytics.recorder import Recorder
    from edge_api.events import DecisionEvent

    event = DecisionEvent(
        kind="submit",
        sitekey="pk_bench",
        ts=time.time(),
        outcome="passed",
        score=0.9,
        model="rules",
        subnet="0123456789abcdef",
        reasons=("low_score",),
        mode="managed",
    )
    on, off = Recorder(MemoryBackend()), Recorder(MemoryBackend(), enabled=False)
    n = 50_000
    emit_on = min(timeit.repeat(lambda: on.emit(event), number=n, repeat=3)) / n * 1e6
    emit_off = min(timeit.repeat(lambda: off.emit(event), number=n, repeat=3)) / n * 1e6
    start = time.perf_counter()
    asyncio.run(on.flush())
    flush = (time.perf_counter() - start) / (3 * n) * 1e6
    return emit_on, emit_off, flush


def _site(url: str) -> str:
    return str(create_site(url, hostnames=["bench.example"])["sitekey"])


def _recorded(url: str, sitekey: str) -> int:
    request = urllib.request.Request(  # noqa: S310  # loopback
        f"{url}/v1/analytics/{sitekey}/outcomes?step=hour",
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
    )
    with urllib.request.urlopen(request) as response:  # noqa: S310
        return int(json.loads(response.read())["totals"]["requests"])


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--redis", help="run both servers on this Redis")
    parser.add_argument("--access-log", action="store_true", help="JSON access log on the on side")
    parser.add_argument(
        "--control", action="store_true", help="A/A run: analytics off on both sides (noise floor)"
    )
    args = parser.parse_args()

    emit_on, emit_off, flush = _micro()
    print(
        f"in-process: emit {emit_on:.2f} us/event on, {emit_off:.2f} us off (metrics only);"
        f" flush {flush:.3f} us/event"
    )
    work = Path(tempfile.mkdtemp(prefix="palisade-bench-analytics-"))
    limits = ",".join(f"{name}=1000000/10000000" for name in DEFAULT_LIMITS)
    base = {
        "PALISADE_ENV": "dev",
        "PALISADE_ADMIN_TOKEN": ADMIN_TOKEN,
        "PALISADE_LOG_LEVEL": "warning",
        "PALISADE_LIMITS": limits,
        "PALISADE_ACCESS_LOG": "off",
    }
    if args.redis:
        base["PALISADE_REDIS_URL"] = args.redis
    sides = {}
    for name, enabled in (("on", "on"), ("off", "off")):
        port = free_port()  # the same port for every run of this side
        env = {
            **base,
            "PALISADE_DATA_DIR": str(work / name),
            "PALISADE_ANALYTICS": "off" if args.control else enabled,
        }
        if name == "on" and args.access_log:
            env["PALISADE_ACCESS_LOG"] = "on"
        command = [sys.executable, "-m", "edge_api", "serve", "--port", str(port)]
        sides[name] = (f"http://127.0.0.1:{port}", command, env)

    runs: dict[str, list[float]] = {"on": [], "off": []}
    cpu: dict[str, list[float]] = {"on": [], "off": []}
    recorded = 0
    for round_index in range(args.rounds):
        order = ("on", "off") if round_index % 2 == 0 else ("off", "on")
        for name in order:
            # A fresh server per run, one at a time: no side gets a position advantage
            # (measured: two servers alive together differ by several % in an A/A run).
            url, command, env = sides[name]
            log = work / f"{name}-{round_index}.log"
            with server(command, env, url + "/healthz", log) as pid:
                sitekey = _site(url)
                script = work / f"{name}-{round_index}.lua"
                script.write_text(WRK_SCRIPT % sitekey)
                run_wrk(url + "/v1/challenge", script, seconds=1, connections=CONNECTIONS)
                cpu_before = _cpu_seconds(pid)
                result = run_wrk(
                    url + "/v1/challenge", script, seconds=args.seconds, connections=CONNECTIONS
                )
                served = result.requests_per_second * args.seconds
                cpu[name].append((_cpu_seconds(pid) - cpu_before) / served * 1e6)
                if name == "on" and not args.control:
                    time.sleep(1.5)  # a flush
                    recorded += _recorded(url, sitekey)
            if result.non_2xx or result.errors:
                print(f"{name}: {result.non_2xx} non-2xx, {result.errors} socket errors")
            runs[name].append(result.requests_per_second)
            print(
                f"round {round_index + 1} {name:>3}: {result.requests_per_second:9.0f} req/s"
                f"  p50 {result.p50_ms:.2f} ms  p99 {result.p99_ms:.2f} ms"
                f"  cpu {cpu[name][-1]:.0f} us/req",
                flush=True,
            )
    best_on, best_off = max(runs["on"]), max(runs["off"])
    ratio = best_on / best_off
    cpu_on, cpu_off = statistics.median(cpu["on"]), statistics.median(cpu["off"])
    cost = statistics.median(on / off for on, off in zip(cpu["on"], cpu["off"], strict=True)) - 1
    print(f"analytics on : {best_on:9.0f} req/s best, {cpu_on:6.1f} us CPU/req median")
    print(f"analytics off: {best_off:9.0f} req/s best, {cpu_off:6.1f} us CPU/req median")
    print(f"throughput ratio on/off: {ratio:.3f} (slowdown {100 * (1 - ratio):.1f}%)")
    print(f"CPU per request on/off : {1 + cost:.3f} ({100 * cost:+.1f}%, goal <= +5%)")
    added = emit_on - emit_off + flush
    print(
        f"in-process analytics cost: {added:.2f} us/request = {100 * added / cpu_off:.2f}% of CPU"
    )
    print(f"events recorded by the on servers: {recorded}")
    return 0 if cost <= 0.05 else 1


if __name__ == "__main__":
    raise SystemExit(main())
