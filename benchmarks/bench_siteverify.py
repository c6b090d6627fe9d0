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
import time
import urllib.request
from pathlib import Path

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
from edge_api.tokens import TokenService

CONNECTIONS = 32
# More than one worker can verify in a second on this class of machine.
TOKENS_PER_SECOND = 15_000

WRK_TOKENS_SCRIPT = """
local tokens = {}
local index = 0
local body_prefix = "secret=%s&response="
init = function(args)
  for line in io.lines("%s") do tokens[#tokens + 1] = line end
end
request = function()
  index = index + 1
  local token = tokens[((index - 1) %% #tokens) + 1]
  return wrk.format("POST", "%s", {["Content-Type"] = "application/x-www-form-urlencoded"},
                    body_prefix .. token)
end
"""

WRK_BARE_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "secret=sk_0123456789abcdef0123456789abcdef0123456789a&response=p1.k1.0123456789"
"""


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
        # Mint tokens offline with the server's own (dev) keys: far faster than solving PoW.
        # A fresh file per round: wrk restarts its Lua state, and a replayed token would
        # measure the cheaper "already seen" path.
        service = TokenService(load_keyring(Settings(data_dir=work)))
        scripts = []
        for round_index in range(args.rounds):
            tokens_file = work / f"tokens-{round_index}.txt"
            with tokens_file.open("w") as handle:
                for _ in range(TOKENS_PER_SECOND * args.seconds):
                    token, _ = service.issue(
                        sitekey=site["sitekey"],
                        hostname="bench.example",
                        action="login",
                        cdata="",
                        score=0.9,
                        reasons=(),
                        lifetime=3600,
                        client_ip="203.0.113.1",
                        model="rules",
                        now=time.time(),
                    )
                    handle.write(token + "\n")
            script = work / f"siteverify-{round_index}.lua"
            script.write_text(WRK_TOKENS_SCRIPT % (site["secret"], tokens_file, args.path))
            scripts.append(script)
        bare_script = work / "bare.lua"
        bare_script.write_text(WRK_BARE_SCRIPT)

        # Warm both up, then alternate so machine noise hits both alike.
        run_wrk(bare_url + "/bare", bare_script, seconds=1, connections=CONNECTIONS)
        bare_runs, verify_runs = [], []
        for script in scripts:
            bare_runs.append(
                run_wrk(
                    bare_url + "/bare", bare_script, seconds=args.seconds, connections=CONNECTIONS
                )
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
