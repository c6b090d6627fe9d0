"""Start servers and drive wrk: shared by the benchmark scripts."""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import redis

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):  # noqa: S310  # loopback
                return
        except urllib.error.HTTPError:
            return  # it answered (405 for a POST-only route is an answer)
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


@contextmanager
def server(command: list[str], env: dict[str, str], ready_url: str, log: Path) -> Iterator[int]:
    """A server process, ready; yields its pid. Terminated on exit."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, env={**os.environ, **env}, cwd=REPO, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        wait_ready(ready_url)
        yield process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


ADMIN_TOKEN = "bench-admin-token-0123456789"  # a throwaway dev server's


def palisade_env(work: Path, **extra: str) -> dict[str, str]:
    """Dev-mode settings for a benchmark server whose keys live in ``work``."""
    return {
        "PALISADE_ENV": "dev",
        "PALISADE_DATA_DIR": str(work),
        "PALISADE_ADMIN_TOKEN": ADMIN_TOKEN,
        "PALISADE_LOG_LEVEL": "warning",
        **extra,
    }


def create_site(url: str, **fields: object) -> dict[str, Any]:
    """A site through the admin API; the answer includes its secret."""
    request = urllib.request.Request(  # noqa: S310  # loopback
        url + "/admin/v1/sites",
        data=json.dumps(fields).encode(),
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:  # noqa: S310
        site: dict[str, Any] = json.loads(response.read())
    return site


def bare_server_command(port: int, server_kind: str = "uvicorn", *, workers: int = 1) -> list[str]:
    if server_kind == "granian":
        return [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "asgi",
            "--loop",
            "uvloop",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-ws",
            "benchmarks.bare_app:app",
        ]
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "benchmarks.bare_app:app",
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--no-access-log",
        "--log-level",
        "warning",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]


@dataclass(frozen=True)
class WrkResult:
    requests: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    errors: int


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _latency(output: str, percentile: str) -> float:
    match = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    return float(match.group(1)) * _UNITS[match.group(2)] if match else float("nan")


def run_wrk(
    url: str,
    script: Path,
    *,
    seconds: int,
    connections: int,
    rate: int | None = None,
    threads: int = 1,
    delay_ms: float | None = None,
) -> WrkResult:
    """wrk, flat out; with ``delay_ms`` each connection pauses that long on average
    between requests."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    if delay_ms is not None:
        paced = script.with_name(script.stem + "-paced.lua")
        # Exponential pauses (Poisson arrivals): equal pauses keep the connections in
        # step, and their bursts would queue behind each other.
        paced.write_text(
            f'dofile("{script}")\nmath.randomseed(os.time())\n'
            f"delay = function() return -math.log(1 - math.random()) * {delay_ms:.3f} end\n"
        )
        script = paced
    command = [
        wrk,
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--latency",
        "-s",
        str(script),
        url,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:.*", output)
    error_count = sum(int(n) for n in re.findall(r"\d+", errors.group(0))) if errors else 0
    total = re.search(r"(\d+) requests in", output)
    return WrkResult(
        int(total.group(1)) if total else 0,
        rps,
        _latency(output, "50"),
        _latency(output, "99"),
        int(non_2xx.group(1)) if non_2xx else 0,
        error_count,
    )


def run_wrk_at_rate(
    url: str,
    scripts: Callable[[], Path],
    *,
    rate: float,
    seconds: int,
    connections: int = 16,
) -> WrkResult:
    """wrk held near ``rate`` requests/s: each connection waits between requests.

    Debian has no wrk2, so the pace comes from wrk's per-connection ``delay``: one short
    run measures how long a request takes at about that pace, the second run corrects the
    delay for it. Latency is timed from each send, so it excludes the pause.
    """
    interval_ms = connections * 1000.0 / rate
    probe = run_wrk(url, scripts(), seconds=2, connections=connections, delay_ms=interval_ms)
    busy_ms = max(0.0, connections * 1000.0 / max(probe.requests_per_second, 1.0) - interval_ms)
    return run_wrk(
        url,
        scripts(),
        seconds=seconds,
        connections=connections,
        delay_ms=max(0.0, interval_ms - busy_ms),
    )


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its live children (a server's workers)."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def redis_servers(url: str) -> list[redis.Redis]:
    """The Redis server of ``url``, or every primary of a ``redis+cluster://`` one."""
    if "+cluster://" not in url:
        return [redis.Redis.from_url(url)]
    seed = redis.Redis.from_url(url.replace("+cluster", "", 1))
    slots = seed.execute_command("CLUSTER SLOTS")  # [start, end, primary, *replicas]
    primaries = {(primary[0].decode(), int(primary[1])) for _, _, primary, *_ in slots}
    return [redis.Redis(host=host, port=port) for host, port in sorted(primaries)]


def redis_cpu_seconds(url: str) -> float:
    """CPU the Redis server (all a cluster's primaries) has used, from INFO."""
    total = 0.0
    for server in redis_servers(url):
        info = server.info("cpu")
        total += float(info["used_cpu_user"]) + float(info["used_cpu_sys"])
    return total


def children_cpu_seconds() -> float:
    """CPU of this process's reaped children (wrk runs), for per-request accounting."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass
class CpuUsed:
    """CPU seconds a block cost the server (all its workers), Redis and wrk."""

    server: float = 0.0
    redis: float = 0.0
    wrk: float = 0.0

    def per_request_us(self, requests: float) -> tuple[float, float, float]:
        n = max(requests, 1.0)
        return self.server / n * 1e6, self.redis / n * 1e6, self.wrk / n * 1e6


@contextmanager
def cpu_used(server_pid: int, redis_url: str | None) -> Iterator[CpuUsed]:
    """Measure the CPU the block costs each process; the figures are set on exit."""
    used = CpuUsed()
    server0, wrk0 = tree_cpu_seconds(server_pid), children_cpu_seconds()
    redis0 = redis_cpu_seconds(redis_url) if redis_url else 0.0
    yield used
    used.server = tree_cpu_seconds(server_pid) - server0
    used.redis = (redis_cpu_seconds(redis_url) - redis0) if redis_url else 0.0
    used.wrk = children_cpu_seconds() - wrk0
