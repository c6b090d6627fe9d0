"""Run the mix headless in this process: start a server (unless given one), create the
load-test site, drive locust, print per-endpoint figures, and in soak mode sample memory.

Imported after gevent's monkey patching (locust does it on import, before ``requests``
and ``redis`` load ``ssl``).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import gevent
import locust.runners
import locust.stats
import psutil
import redis
import requests
from locust.env import Environment

from loadtests import scenarios
from loadtests.payloads import HOSTNAME, human_signals

REPO = Path(__file__).resolve().parent.parent
POW_BITS = 4  # 16 puzzles x 2^4 hashes: the load generator must not be the bottleneck
SAMPLE_SECONDS = 10.0
# Outcomes the mix must show, or the run did not exercise what it claims to.
REQUIRED_OUTCOMES = (
    "visitor.challenge",
    "visitor.pass",
    "siteverify.success",
    "abusive.rate_limited",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Target:
    url: str
    admin_token: str
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None


def _wait_ready(target: Target, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if target.process is not None and target.process.poll() is not None:
            log = target.log.read_text() if target.log else ""
            raise RuntimeError(f"palisade serve exited with {target.process.returncode}:\n{log}")
        try:
            if requests.get(target.url + "/readyz", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{target.url} did not become ready in {timeout:.0f} s")


@contextmanager
def own_server(redis_url: str | None, workers: int, work: Path) -> Iterator[Target]:
    """``palisade serve`` in dev mode on a free loopback port, trusting 127.0.0.1 as a
    proxy so X-Forwarded-For gives each simulated client its own address."""
    port = free_port()
    token = secrets.token_urlsafe(24)
    env = {
        **os.environ,
        "PALISADE_ENV": "dev",
        "PALISADE_DATA_DIR": str(work),
        "PALISADE_ADMIN_TOKEN": token,
        "PALISADE_TRUSTED_PROXIES": "127.0.0.1/32",
        "PALISADE_LOG_LEVEL": "warning",
    }
    env.pop("PALISADE_REDIS_URL", None)
    command = [sys.executable, "-m", "edge_api", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port)]
    if redis_url:
        env["PALISADE_REDIS_URL"] = redis_url
        command += ["--workers", str(workers)]
    log = work / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    target = Target(f"http://127.0.0.1:{port}", token, process, log)
    try:
        _wait_ready(target)
        yield target
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def create_site(target: Target) -> tuple[str, str]:
    """The load-test site: a fixed small difficulty so visitors solve in microseconds."""
    response = requests.post(
        target.url + "/admin/v1/sites",
        json={
            "name": "loadtest",
            "hostnames": [HOSTNAME],
            "mode": "managed",
            "pow_min": POW_BITS,
            "pow_max": POW_BITS,
            # Short-lived tokens keep Redis at its steady state early in a soak.
            "token_lifetime": 120,
        },
        headers={"Authorization": f"Bearer {target.admin_token}"},
        timeout=10,
    )
    if response.status_code != 201:
        raise RuntimeError(f"creating the site failed: {response.status_code} {response.text}")
    site = response.json()
    return str(site["sitekey"]), str(site["secret"])


@contextmanager
def private_redis(work: Path) -> Iterator[str]:
    """A redis-server of this run's own, so ``used_memory`` is this run's alone."""
    server = shutil.which("redis-server")
    if server is None:
        raise SystemExit("--redis private needs redis-server (apt-get install redis-server)")
    port = free_port()
    command = [server, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    command += ["--appendonly", "no", "--dir", str(work)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@dataclass
class Series:
    """Memory samples of one process or of Redis, in bytes."""

    name: str
    samples: list[tuple[float, int]] = field(default_factory=list)

    def verdict(self, warmup: float, slack_bytes: int) -> tuple[bool, str]:
        """Flat when the last third of the post-warm-up samples averages no more than
        the first third plus max(5%, slack): a leak grows steadily, noise does not."""
        steady = [b for t, b in self.samples if t >= warmup]
        if len(steady) < 3:
            return True, "too few samples after warm-up to judge"
        third = max(1, len(steady) // 3)
        first = sum(steady[:third]) / third
        last = sum(steady[-third:]) / third
        allowed = max(0.05 * first, slack_bytes)
        growth = last - first
        mib = 1024 * 1024
        text = (
            f"{first / mib:.1f} MiB -> {last / mib:.1f} MiB "
            f"(growth {growth / mib:+.1f} MiB, allowed {allowed / mib:.1f} MiB)"
        )
        return growth <= allowed, text


def _role(process: psutil.Process, root: psutil.Process | None) -> str:
    if process == root:
        return "server"
    try:
        command = " ".join(process.cmdline())
    except psutil.Error:
        return "child"
    return "resource-tracker" if "resource_tracker" in command else "worker"


class MemorySampler:
    """RSS of the server and its workers, and Redis ``used_memory``, every 10 s."""

    def __init__(self, pid: int | None, redis_url: str | None) -> None:
        self._root = psutil.Process(pid) if pid else None
        self._redis = redis.Redis.from_url(redis_url) if redis_url else None
        self.series: dict[str, Series] = {}
        self._start = time.monotonic()

    def _processes(self) -> list[psutil.Process]:
        if self._root is None:
            return []
        try:
            return [self._root, *self._root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def sample(self) -> None:
        elapsed = time.monotonic() - self._start
        for process in self._processes():
            try:
                rss = process.memory_info().rss
            except psutil.NoSuchProcess:
                continue
            name = f"rss {_role(process, self._root)} pid {process.pid}"
            self.series.setdefault(name, Series(name)).samples.append((elapsed, rss))
        if self._redis is not None:
            used = int(self._redis.info("memory")["used_memory"])
            self.series.setdefault("redis used_memory", Series("redis used_memory"))
            self.series["redis used_memory"].samples.append((elapsed, used))

    def run(self) -> None:
        while True:
            self.sample()
            gevent.sleep(SAMPLE_SECONDS)


@dataclass
class EndpointFigures:
    name: str
    method: str
    requests: int
    failures: int
    requests_per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float


@dataclass
class Report:
    seconds: float
    users: int
    peak_users: dict[str, int]
    user_timeline: list[tuple[float, int]]
    endpoints: list[EndpointFigures]
    outcomes: dict[str, int]
    unexpected_failures: int
    errors: list[str]
    missing_outcomes: list[str]
    memory: dict[str, dict[str, Any]] = field(default_factory=dict)
    memory_flat: bool = True

    @property
    def ok(self) -> bool:
        return self.unexpected_failures == 0 and not self.missing_outcomes and self.memory_flat


def _figures(env: Environment, elapsed: float) -> list[EndpointFigures]:
    rows = []
    entries = sorted(env.stats.entries.values(), key=lambda e: (e.name, e.method))
    for entry in [*entries, env.stats.total]:
        rows.append(
            EndpointFigures(
                name=entry.name,
                method=entry.method or "",
                requests=entry.num_requests,
                failures=entry.num_failures,
                requests_per_second=entry.num_requests / elapsed if elapsed else 0.0,
                p50_ms=float(entry.get_response_time_percentile(0.50) or 0),
                p95_ms=float(entry.get_response_time_percentile(0.95) or 0),
                p99_ms=float(entry.get_response_time_percentile(0.99) or 0),
            )
        )
    return rows


def run_locust(
    url: str, *, users: int, seconds: float, surge: bool, sampler: MemorySampler | None
) -> tuple[Environment, float, dict[str, int], list[tuple[float, int]]]:
    # A tenth of the users are abusive, a tenth are backends, the rest visitors.
    scenarios.AbusiveClient.fixed_count = max(1, users // 10)
    scenarios.CustomerBackend.fixed_count = max(1, users // 10)
    shape = scenarios.SurgeShape()
    shape.peak, shape.seconds, shape.surge = users, seconds, surge
    env = Environment(
        user_classes=[
            scenarios.WidgetVisitor,
            scenarios.CustomerBackend,
            scenarios.AbusiveClient,
        ],
        shape_class=shape,
        host=url,
    )
    runner = env.create_local_runner()
    sampling = gevent.spawn(sampler.run) if sampler else None
    started = time.monotonic()
    runner.start_shape()
    # The shape ends the run; the deadline only guards against a runner that hangs.
    deadline = started + seconds + 30
    peak: dict[str, int] = {}
    timeline: list[tuple[float, int]] = []  # (seconds, users) at each change: the surge
    while runner.state not in (locust.runners.STATE_STOPPED, locust.runners.STATE_CLEANUP):
        if time.monotonic() > deadline:
            break
        for name, count in runner.user_classes_count.items():
            peak[name] = max(peak.get(name, 0), count)
        if not timeline or timeline[-1][1] != runner.user_count:
            timeline.append((round(time.monotonic() - started, 1), runner.user_count))
        gevent.sleep(0.5)
    elapsed = time.monotonic() - started
    runner.quit()
    if sampling is not None:
        sampling.kill()
        sampler.sample()  # type: ignore[union-attr]  # the final state
    return env, elapsed, peak, timeline


def run(
    *,
    users: int,
    seconds: float,
    host: str | None,
    admin_token: str | None,
    redis_url: str | None,
    workers: int,
    soak: bool,
) -> Report:
    locust.stats.PERCENTILES_TO_REPORT = [0.5, 0.95, 0.99]
    signals = human_signals(90)
    with contextlib.ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="palisade-loadtest-"))
        if redis_url == "private":
            redis_url = stack.enter_context(private_redis(Path(tmp)))
        if host is None:
            context = own_server(redis_url, workers, Path(tmp))
        else:
            if not admin_token:
                raise SystemExit("--host needs --admin-token (or PALISADE_ADMIN_TOKEN)")
            context = _given(Target(host.rstrip("/"), admin_token))
        with context as target:
            sitekey, secret = create_site(target)
            scenarios.configure(sitekey, secret, signals)
            sampler = None
            if soak:
                pid = target.process.pid if target.process else None
                sampler = MemorySampler(pid, redis_url)
            env, elapsed, peak, timeline = run_locust(
                target.url, users=users, seconds=seconds, surge=not soak, sampler=sampler
            )
    outcomes = dict(sorted(scenarios.OUTCOMES.items()))
    report = Report(
        seconds=elapsed,
        users=users,
        peak_users=peak,
        user_timeline=timeline,
        endpoints=_figures(env, elapsed),
        outcomes=outcomes,
        unexpected_failures=env.stats.total.num_failures,
        errors=[
            f"{e.occurrences}x {e.method} {e.name}: {e.error}" for e in env.stats.errors.values()
        ],
        missing_outcomes=[name for name in REQUIRED_OUTCOMES if not outcomes.get(name)],
    )
    if sampler is not None:
        # Warm-up: the first quarter, and at least the token lifetime plus the
        # challenge lifetime, after which Redis holds its steady-state marks.
        warmup = max(seconds / 4, min(seconds / 2, 240.0))
        for name, series in sampler.series.items():
            slack = 2 * 1024 * 1024 if name.startswith("redis") else 8 * 1024 * 1024
            flat, text = series.verdict(warmup, slack)
            report.memory[name] = {"flat": flat, "summary": text, "samples": series.samples}
            report.memory_flat = report.memory_flat and flat
    return report


@contextmanager
def _given(target: Target) -> Iterator[Target]:
    _wait_ready(target, timeout=10)
    yield target


def print_report(report: Report) -> None:
    peak = ", ".join(f"{name} {count}" for name, count in report.peak_users.items())
    print(f"\n{report.seconds:.0f} s, peak users: {peak}")
    steps = " -> ".join(f"{users} at {at:.0f} s" for at, users in report.user_timeline)
    print(f"users: {steps}")
    print(
        f"{'endpoint':<28}{'requests':>9}{'fails':>7}{'req/s':>9}"
        f"{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
    )
    for row in report.endpoints:
        print(
            f"{row.name:<28}{row.requests:>9}{row.failures:>7}{row.requests_per_second:>9.1f}"
            f"{row.p50_ms:>8.0f}{row.p95_ms:>8.0f}{row.p99_ms:>8.0f}"
        )
    print("\noutcomes: " + ", ".join(f"{k}={v}" for k, v in report.outcomes.items()))
    for error in report.errors[:20]:
        print(f"  failure: {error}")
    for name, memory in report.memory.items():
        print(f"memory {name}: {'flat' if memory['flat'] else 'GREW'}: {memory['summary']}")
    if report.missing_outcomes:
        print("missing from the mix: " + ", ".join(report.missing_outcomes))
    print(
        f"\nunexpected failures: {report.unexpected_failures} -> {'OK' if report.ok else 'FAILED'}"
    )


def write_json(report: Report, path: Path) -> None:
    data = asdict(report)
    data["ok"] = report.ok
    path.write_text(json.dumps(data, indent=2))
