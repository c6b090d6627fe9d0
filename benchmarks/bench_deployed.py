"""Palisade as deployed (production settings, Redis, N workers) against a bare Starlette
JSON endpoint served the same way, in one run.

    .venv/bin/python -m benchmarks.bench_deployed [--workers 2] [--server uvicorn|granian|both]
        [--seconds 3] [--rounds 3] [--redis redis://127.0.0.1:6379/14] [--clients 1]

For ``/v1/challenge``, ``/v1/submit`` and ``/siteverify`` it prints the peak requests/s
(wrk flat out, 32 connections) as a ratio of the bare endpoint's peak measured right
before it, then p50/p99 latency with the load held at half of that step's peak. Each
step runs ``--rounds`` pairs of peaks (bare, then Palisade) and prints the median
ratio with the range: on a shared host one pair's ratio moves by a third as the
neighbours come and go, and alternating within the run lets both sides meet the same
neighbours. Every
request does the real work (see benchmarks/_flow.py); the outcome counters read back
from ``/metrics`` prove the answers were successes. The Redis database given is
flushed first: point it at a scratch database.

The bare endpoint is sent the step's own requests (same bodies, headers and wrk script,
path ``/bare``), so the load generator does the same work on both sides and only the
application differs; the ratio against the old fixed small request is printed too.
Every request comes from 127.0.0.1 unless ``--clients N`` names N visitors, as a CDN in
front would: each request carries ``X-Forwarded-For: 10.x.y.z`` in turn (trusted from
the loopback), so reputations, limits and analytics track N clients.
wrk and Redis share the machine's cores with the servers, so the CPU each process
spends per request is printed as well, and the "CPU ratio" (bare's CPU per request,
server and wrk, over Palisade's, server, Redis and wrk) is what the throughput ratio
tends to on a machine with nothing else running: it moves far less with neighbours.

Goals (issue 7): siteverify >= 45% of bare, submit >= 30%, p99 < 10 ms at half of peak.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from benchmarks._flow import STEPS, PalisadeWorkload, Site, add_payload_argument, bare_script
from benchmarks._harness import (
    ADMIN_TOKEN,
    CpuUsed,
    WrkResult,
    bare_server_command,
    cpu_used,
    create_site,
    free_port,
    redis_servers,
    run_wrk,
    run_wrk_at_rate,
    server,
)
from edge_api.keys import KeyRing

CONNECTIONS = 32
PACED_CONNECTIONS = 16
# Requests each step can answer per second per worker on this class of machine, with
# headroom: enough distinct bodies that wrk never wraps round to a used one.
BODIES_PER_WORKER_SECOND = {"challenge": 0, "submit": 5_000, "siteverify": 10_000}
GOALS = {"siteverify": 0.45, "submit": 0.30}
P99_GOAL_MS = 10.0


@dataclass(frozen=True)
class PeakPair:
    """One round: the bare endpoint's peak, then Palisade's, each with its CPU."""

    bare_peak: WrkResult
    bare_cpu: CpuUsed
    peak: WrkResult
    cpu: CpuUsed

    def ratio(self) -> float:
        return self.peak.requests_per_second / self.bare_peak.requests_per_second

    def cpu_ratio(self) -> float:
        bare_server, _, bare_wrk = self.bare_cpu.per_request_us(self.bare_peak.requests)
        server, redis_us, wrk = self.cpu.per_request_us(self.peak.requests)
        return (bare_server + bare_wrk) / (server + redis_us + wrk)


@dataclass(frozen=True)
class StepFigures:
    step: str
    rounds: list[PeakPair]
    half: WrkResult
    bare_fixed: WrkResult  # the bare endpoint sent one small fixed request

    def ratio(self) -> float:
        return statistics.median(r.ratio() for r in self.rounds)

    def cpu_ratio(self) -> float:
        return statistics.median(r.cpu_ratio() for r in self.rounds)

    def bare_rate(self) -> float:
        return statistics.median(r.bare_peak.requests_per_second for r in self.rounds)

    def rate(self) -> float:
        return statistics.median(r.peak.requests_per_second for r in self.rounds)

    def cpu_us(self) -> tuple[float, float, float, float, float]:
        """Medians per request: bare server, bare wrk, server, Redis, wrk."""
        rows = [
            (
                r.bare_cpu.per_request_us(r.bare_peak.requests)[0],
                r.bare_cpu.per_request_us(r.bare_peak.requests)[2],
                *r.cpu.per_request_us(r.peak.requests),
            )
            for r in self.rounds
        ]
        a, b, c, d, e = (statistics.median(column) for column in zip(*rows, strict=True))
        return a, b, c, d, e

    def non_2xx(self) -> int:
        return sum(r.peak.non_2xx for r in self.rounds) + self.half.non_2xx


def palisade_command(port: int, workers: int, server_kind: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "edge_api",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--server",
        server_kind,
    ]


def production_env(
    work: Path, redis_url: str, signing_keys: str, *, behind_proxy: bool = False
) -> dict[str, str]:
    """``behind_proxy``: the loopback's ``X-Forwarded-For`` is believed, as a CDN's is."""
    proxy = {"PALISADE_TRUSTED_PROXIES": "127.0.0.1/32"} if behind_proxy else {}
    return proxy | {
        "PALISADE_ENV": "production",
        "PALISADE_REDIS_URL": redis_url,
        "PALISADE_SIGNING_KEYS": signing_keys,
        "PALISADE_ADMIN_TOKEN": ADMIN_TOKEN,
        "PALISADE_DATA_DIR": str(work),
        "PALISADE_LOG_LEVEL": "warning",
        # One load generator on 127.0.0.1: keep the limits (they still run) out of the way.
        "PALISADE_LIMITS": "ip=1000000/1000000,subnet=1000000/1000000,"
        "site_ip=1000000/1000000,site=1000000/1000000,secret=1000000/1000000",
    }


def decisions(url: str) -> dict[str, float]:
    with urllib.request.urlopen(url + "/metrics") as response:  # noqa: S310  # loopback
        text = response.read().decode()
    counts: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith("palisade_decisions_total{"):
            labels = line[line.index("{") + 1 : line.index("}")]
            fields = {k: v.strip('"') for k, v in (p.split("=", 1) for p in labels.split(","))}
            key = f"{fields['endpoint']}:{fields['outcome']}"
            counts[key] = counts.get(key, 0.0) + float(line.rsplit(" ", 1)[1])
    return counts


@dataclass(frozen=True)
class Deployment:
    """One server kind running both the bare baseline and Palisade."""

    kind: str
    bare_url: str
    palisade_url: str
    workload: PalisadeWorkload
    bare_pid: int
    palisade_pid: int


@contextmanager
def deployment(kind: str, args: argparse.Namespace, work: Path) -> Iterator[Deployment]:
    signing_keys = KeyRing.generate_spec()
    bare_port, palisade_port = free_port(), free_port()
    bare_url = f"http://127.0.0.1:{bare_port}"
    palisade_url = f"http://127.0.0.1:{palisade_port}"
    with (
        server(
            bare_server_command(bare_port, kind, workers=args.workers),
            {},
            bare_url + "/bare",
            work / f"bare-{kind}.log",
        ) as bare_pid,
        server(
            palisade_command(palisade_port, args.workers, kind),
            production_env(work, args.redis, signing_keys, behind_proxy=args.clients > 1),
            palisade_url + "/readyz",
            work / f"palisade-{kind}.log",
        ) as palisade_pid,
    ):
        created = create_site(palisade_url, hostnames=["bench.example"], score_threshold=0.0)
        workload = PalisadeWorkload(
            KeyRing.parse(signing_keys),
            Site(created["sitekey"], created["secret"]),
            work,
            clients=args.clients,
            pages=args.payload == "page",
        )
        print(workload.describe())
        # Warm both up (imports, first connections, the model's first calls).
        run_wrk(bare_url, bare_script(work), seconds=1, connections=CONNECTIONS)
        # One second at up to 6k submits/s: distinct bodies throughout (a replay is refused).
        run_wrk(palisade_url, workload.script("submit", 6_000), seconds=1, connections=8)
        yield Deployment(kind, bare_url, palisade_url, workload, bare_pid, palisade_pid)


def measure_step(
    target: Deployment, step: str, args: argparse.Namespace, work: Path
) -> StepFigures:
    count = BODIES_PER_WORKER_SECOND[step] * args.workers * args.seconds
    workload = target.workload
    bare_fixed = run_wrk(
        target.bare_url, bare_script(work), seconds=args.seconds, connections=CONNECTIONS
    )
    rounds = []
    for _ in range(args.rounds):
        bare_requests = workload.script(step, count, path="/bare")
        with cpu_used(target.bare_pid, args.redis) as bare_cpu:
            bare_peak = run_wrk(
                target.bare_url, bare_requests, seconds=args.seconds, connections=CONNECTIONS
            )
        script = workload.script(step, count)  # fresh bodies: a replay would be refused
        with cpu_used(target.palisade_pid, args.redis) as cpu:
            peak = run_wrk(
                target.palisade_url, script, seconds=args.seconds, connections=CONNECTIONS
            )
        rounds.append(PeakPair(bare_peak, bare_cpu, peak, cpu))
    peak_rate = statistics.median(r.peak.requests_per_second for r in rounds)
    half = run_wrk_at_rate(
        target.palisade_url,
        lambda: workload.script(step, count),
        rate=peak_rate / 2,
        seconds=args.seconds,
        connections=PACED_CONNECTIONS,
    )
    return StepFigures(step, rounds, half, bare_fixed)


def report(
    kind: str, figures: list[StepFigures], outcomes: dict[str, float], args: argparse.Namespace
) -> None:
    print(
        f"\nserver={kind} workers={args.workers} store=redis ({args.redis}) seconds={args.seconds}"
        f" clients={args.clients} rounds={args.rounds} (medians; range of the rounds' ratios)"
    )
    print(
        f"{'step':<12}{'bare req/s':>11}{'req/s':>9}{'ratio':>8}{'range':>14}{'goal':>6}"
        f"{'non-2xx':>9}{'half-peak req/s':>17}{'p50 ms':>8}{'p99 ms':>8}"
    )
    for f in figures:
        ratios = [r.ratio() for r in f.rounds]
        spread = f"{min(ratios):.1%}-{max(ratios):.1%}"
        goal = f"{GOALS[f.step]:.0%}" if f.step in GOALS else "-"
        print(
            f"{f.step:<12}{f.bare_rate():>11.0f}{f.rate():>9.0f}{f.ratio():>8.1%}"
            f"{spread:>14}{goal:>6}{f.non_2xx():>9}{f.half.requests_per_second:>17.0f}"
            f"{f.half.p50_ms:>8.2f}{f.half.p99_ms:>8.2f}"
        )
    print(
        "outcomes from /metrics: "
        + ", ".join(f"{k}={v:.0f}" for k, v in sorted(outcomes.items()) if v)
    )
    print("CPU per request at peak, microseconds (server = all workers):")
    print(
        f"{'step':<12}{'bare server':>12}{'bare wrk':>9}{'server':>8}{'redis':>7}{'wrk':>6}"
        f"{'CPU ratio':>11}{'fixed bare req/s':>18}{'ratio to it':>13}"
    )
    for f in figures:
        bare_server, bare_wrk, server_us, redis_us, wrk_us = f.cpu_us()
        fixed = f.bare_fixed.requests_per_second
        print(
            f"{f.step:<12}{bare_server:>12.0f}{bare_wrk:>9.0f}"
            f"{server_us:>8.0f}{redis_us:>7.0f}{wrk_us:>6.0f}{f.cpu_ratio():>11.1%}"
            f"{fixed:>18.0f}{f.rate() / fixed:>13.1%}"
        )
    worst = max(f.half.p99_ms for f in figures)
    print(f"worst p99 at half of peak: {worst:.2f} ms (goal < {P99_GOAL_MS:g} ms)")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--server", choices=["uvicorn", "granian", "both"], default="uvicorn")
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3, help="peak pairs per step")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument(
        "--steps", type=lambda text: text.split(","), default=list(STEPS), help="e.g. submit"
    )
    parser.add_argument("--clients", type=int, default=1, help="distinct visitors, via a CDN")
    add_payload_argument(parser)
    args = parser.parse_args()
    if unknown := set(args.steps) - set(STEPS):
        parser.error(f"unknown steps: {', '.join(sorted(unknown))}")

    for redis_server in redis_servers(args.redis):
        redis_server.flushdb()
    work = Path(tempfile.mkdtemp(prefix="palisade-bench-deployed-"))
    kinds = ["uvicorn", "granian"] if args.server == "both" else [args.server]
    results: dict[str, list[StepFigures]] = {kind: [] for kind in kinds}
    with ExitStack() as stack:
        targets = [stack.enter_context(deployment(kind, args, work)) for kind in kinds]
        # Step by step, each server kind in turn: neighbours' load hits both alike.
        for step in args.steps:
            for target in targets:
                results[target.kind].append(measure_step(target, step, args, work))
        outcomes = {target.kind: decisions(target.palisade_url) for target in targets}
    for kind in kinds:
        report(kind, results[kind], outcomes[kind], args)
    if len(results) == 2:
        print("\ngranian / uvicorn, peak req/s (and each one's ratio to its own bare baseline):")
        for u, g in zip(results["uvicorn"], results["granian"], strict=True):
            print(
                f"  {u.step:<12} uvicorn {u.rate():>7.0f} ({u.ratio():.1%})"
                f"  granian {g.rate():>7.0f} ({g.ratio():.1%})"
                f"  granian/uvicorn = {g.rate() / u.rate():.2f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
