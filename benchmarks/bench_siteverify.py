"""``/siteverify`` throughput as a ratio of a bare Starlette JSON endpoint, in one run.

    .venv/bin/python -m benchmarks.bench_siteverify [--seconds 8] [--redis redis://127.0.0.1:6379/14]

Both servers run the same way (uvicorn, uvloop, httptools, one worker, no access
log); wrk drives each in turn, twice, on loopback, and the best of each is compared.
Every siteverify request carries a distinct valid token, so every answer is a real
verification (signature, claims, single-use mark in the store), not a cached refusal.
Goal (issue 2): at least 45% of the bare endpoint.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import urllib.request
from pathlib import Path

from benchmarks._flow import PalisadeWorkload, Site
from benchmarks._flow import bare_script as workload_bare_script
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
# More than one worker can verify in a second on this class of machine.
TOKENS_PER_SECOND = 15_000


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--redis", help="run Palisade on this Redis instead of the embedded store")
    parser.add_argument("--server", choices=["uvicorn", "granian"], default="uvicorn")
    parser.add_argument("--path", default="/siteverify")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="palisade-bench-"))
    # One backend on 127.0.0.1 verifying flat out: lift the per-secret limit (it still runs).
    env = palisade_env(work, PALISADE_LIMITS="secret=1000000/1000000")
    if args.redis:
        env["PALISADE_REDIS_URL"] = args.redis
    bare_port, palisade_port = free_port(), free_port()
    bare_url = f"http://127.0.0.1:{bare_port}"
    palisade_url = f"http://127.0.0.1:{palisade_port}"
    palisade_cmd = [
        sys.executable,
        "-m",
        "edge_api",
        "serve",
        "--port",
        str(palisade_port),
        "--server",
        args.server,
    ]

    with (
        server(
            bare_server_command(bare_port, args.server), {}, bare_url + "/bare", work / "bare.log"
        ),
        server(palisade_cmd, env, palisade_url + "/healthz", work / "palisade.log"),
    ):
        site = create_site(palisade_url, hostnames=["bench.example"])
        # Tokens minted offline with the server's own (dev) keys: far faster than solving
        # PoW. A fresh file per round: a replayed token would measure the cheaper
        # "already seen" path.
        workload = PalisadeWorkload(
            load_keyring(Settings(data_dir=work)), Site(site["sitekey"], site["secret"]), work
        )
        scripts = [
            workload.script("siteverify", TOKENS_PER_SECOND * args.seconds, path=args.path)
            for _ in range(args.rounds)
        ]
        bare_script = workload_bare_script(work)

        # Warm both up, then alternate so machine noise hits both alike.
        run_wrk(bare_url, bare_script, seconds=1, connections=CONNECTIONS)
        bare_runs, verify_runs = [], []
        for script in scripts:
            bare_runs.append(
                run_wrk(bare_url, bare_script, seconds=args.seconds, connections=CONNECTIONS)
            )
            verify_runs.append(
                run_wrk(palisade_url, script, seconds=args.seconds, connections=CONNECTIONS)
            )
        with urllib.request.urlopen(palisade_url + "/metrics") as response:  # noqa: S310
            metrics = response.read().decode()
    outcomes = {
        line.split('outcome="')[1].split('"')[0]: float(line.rsplit(" ", 1)[1])
        for line in metrics.splitlines()
        if line.startswith('palisade_decisions_total{endpoint="siteverify"')
    }
    bare_best = max(bare_runs, key=lambda r: r.requests_per_second)
    verify_best = max(verify_runs, key=lambda r: r.requests_per_second)
    store = "redis" if args.redis else "embedded"
    print(
        f"server={args.server} store={store} connections={CONNECTIONS} "
        f"seconds={args.seconds} rounds={args.rounds}"
    )
    print(f"{'endpoint':<28}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}")
    for name, result in (
        ("bare starlette /bare", bare_best),
        ("palisade " + args.path, verify_best),
    ):
        print(
            f"{name:<28}{result.requests_per_second:>10.0f}{result.p50_ms:>9.2f}"
            f"{result.p99_ms:>9.2f}{result.non_2xx:>9}"
        )
    ratio = verify_best.requests_per_second / bare_best.requests_per_second
    print("siteverify outcomes:", ", ".join(f"{k}={v:.0f}" for k, v in sorted(outcomes.items())))
    print(f"siteverify / bare = {ratio:.1%} (goal >= 45%)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
