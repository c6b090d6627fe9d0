"""``/v1/submit`` with Redis, as a ratio of a bare Starlette JSON endpoint, in one run,
and the Redis work per request.

    .venv/bin/python -m benchmarks.bench_submit [--seconds 8] [--redis redis://127.0.0.1:6379/14]

Every request is a distinct, correctly solved challenge (minted offline with the
server's dev keys at difficulty 1, so the load generator does no PoW) carrying a
recorded person's pointer events from ../shared/data/mouse-human (``--payload``: a
page's last ten seconds, the default, or one approach piece), so each one runs the
whole path: signature and solution check, the ONNX scorer, the gate script (limits,
single-use claim, reputation) and a token. Goal (issue 5): at least 30% of the bare
endpoint, one Redis round trip or less per request.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import urllib.request
from pathlib import Path

import redis

from benchmarks._flow import PalisadeWorkload, Site, add_payload_argument, bare_script
from benchmarks._harness import (
    bare_server_command,
    create_site,
    free_port,
    palisade_env,
    run_wrk,
    server,
)
from edge_api.keys import load_keyring
from edge_api.settings import Settings

CONNECTIONS = 32
SUBMITS = 'palisade_http_requests_total{method="POST",route="/v1/submit"'
BODIES_PER_SECOND = 6_000


def commandstats(client: redis.Redis) -> dict[str, int]:
    stats = client.info("commandstats")
    return {name: int(values["calls"]) for name, values in stats.items()}


def metric(url: str, name: str) -> float:
    with urllib.request.urlopen(url + "/metrics") as response:  # noqa: S310  # loopback
        text = response.read().decode()
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(name))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    add_payload_argument(parser)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="palisade-bench-submit-"))
    env = palisade_env(
        work,
        PALISADE_REDIS_URL=args.redis,
        # One load generator on 127.0.0.1: keep the limits (they still run) out of the way.
        PALISADE_LIMITS="ip=1000000/1000000,subnet=1000000/1000000,site_ip=1000000/1000000,"
        "site=1000000/1000000",
    )
    bare_port, palisade_port = free_port(), free_port()
    bare_url, palisade_url = f"http://127.0.0.1:{bare_port}", f"http://127.0.0.1:{palisade_port}"
    palisade_cmd = [sys.executable, "-m", "edge_api", "serve", "--port", str(palisade_port)]
    client = redis.Redis.from_url(args.redis)
    with (
        server(bare_server_command(bare_port), {}, bare_url + "/bare", work / "bare.log"),
        server(palisade_cmd, env, palisade_url + "/healthz", work / "palisade.log"),
    ):
        site = create_site(palisade_url, hostnames=["bench.example"], score_threshold=0.0)
        workload = PalisadeWorkload(
            load_keyring(Settings(data_dir=work)),
            Site(site["sitekey"], site["secret"]),
            work,
            pages=args.payload == "page",
        )
        scripts = [
            workload.script("submit", BODIES_PER_SECOND * args.seconds) for _ in range(args.rounds)
        ]
        baseline = bare_script(work)

        run_wrk(bare_url, baseline, seconds=1, connections=CONNECTIONS)
        bare_runs, submit_runs = [], []
        requests_done = 0.0
        before_stats = commandstats(client)
        before_trips = metric(palisade_url, 'palisade_redis_seconds_count{operation="store"}')
        before_requests = metric(palisade_url, SUBMITS)
        for script in scripts:
            bare_runs.append(
                run_wrk(bare_url, baseline, seconds=args.seconds, connections=CONNECTIONS)
            )
            submit_runs.append(
                run_wrk(palisade_url, script, seconds=args.seconds, connections=CONNECTIONS)
            )
        after_stats = commandstats(client)
        trips = (
            metric(palisade_url, 'palisade_redis_seconds_count{operation="store"}') - before_trips
        )
        requests_done = metric(palisade_url, SUBMITS) - before_requests
        outcomes = metric(
            palisade_url, 'palisade_decisions_total{endpoint="submit",outcome="pass"}'
        )
    commands = {k: after_stats.get(k, 0) - before_stats.get(k, 0) for k in after_stats}
    commands = {k: v for k, v in commands.items() if v > 0 and k not in ("cmdstat_info",)}
    bare = max(bare_runs, key=lambda r: r.requests_per_second)
    best = max(submit_runs, key=lambda r: r.requests_per_second)
    print(
        f"store=redis ({args.redis}) connections={CONNECTIONS} "
        f"seconds={args.seconds} rounds={args.rounds}"
    )
    print(workload.describe())
    print(f"{'endpoint':<24}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}")
    for name, r in (("bare starlette /bare", bare), ("palisade /v1/submit", best)):
        print(
            f"{name:<24}{r.requests_per_second:>10.0f}{r.p50_ms:>9.2f}{r.p99_ms:>9.2f}{r.non_2xx:>9}"
        )
    print(f"submits answered: {requests_done:.0f}, passed (whole run): {outcomes:.0f}")
    total_commands = sum(commands.values())
    print(
        "redis commands during the submit runs (INFO commandstats): "
        + ", ".join(f"{k.removeprefix('cmdstat_')}={v}" for k, v in sorted(commands.items()))
    )
    print(f"redis commands per submit: {total_commands / max(requests_done, 1):.3f}")
    print(f"redis round trips per submit (pipelines sent): {trips / max(requests_done, 1):.3f}")
    print(
        f"submit / bare = {best.requests_per_second / bare.requests_per_second:.1%} (goal >= 30%)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
