"""Palisade side by side with the open-source peers that install here, per core.

    .venv/bin/python -m benchmarks.bench_peers [--seconds 5] [--embedded] [--cpu 1]
        [--systems palisade,altcha,cap] [--redis redis://127.0.0.1:6379/14]

One verification flow is what a real integration asks of the server for one visitor:

- Palisade: ``POST /v1/challenge``, ``POST /v1/submit`` (a distinct solved challenge
  carrying a recorded person's page as the widget sends it, the last ten seconds of
  pointer events, scored by the model), ``POST /siteverify``
  (a distinct valid token), production settings, Redis, one uvicorn worker.
- ALTCHA (PyPI ``altcha``, benchmarks/peers/altcha_app.py, Starlette + uvicorn like the
  bare baseline): ``/challenge`` and ``/verify`` of a distinct solved payload, in both
  protocol versions the library ships (v1: SHA-256 ``max_number``; v2, its default
  API: PBKDF2/SHA-256 in the documented deterministic mode).
- Cap (npm ``@cap.js/server``, benchmarks/peers/cap_server.mjs on node:http):
  ``/challenge``, ``/redeem`` (solutions for a distinct challenge -> token) and
  ``/siteverify`` (``validateToken``, a distinct token), in-memory storage.

Each server runs alone, pinned to one CPU (``--cpu``), and wrk (1 thread, 32
connections) drives each step flat out. Bodies that the server consumes are distinct and
solved offline (or prefetched from the running server) before the run. The flow cost is
the sum over steps of 1 / req/s (seconds of one core per flow); flows/s is its inverse.
The servers' own counters prove every answer was a success. The Redis database is not
flushed (Palisade's keys there expire).
"""

from __future__ import annotations

import argparse
import json
import secrets
import shutil
import subprocess
import tempfile
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks._flow import PATHS, STEPS, PalisadeWorkload, Site, bare_script, fixed_script
from benchmarks._harness import WrkResult, bare_server_command, create_site, free_port, run_wrk
from benchmarks._harness import server as running
from benchmarks.bench_deployed import decisions, palisade_command, production_env

try:
    import altcha  # noqa: F401  # the peer under test
except ImportError:  # pragma: no cover
    raise SystemExit(
        "bench_peers needs ALTCHA's library: .venv/bin/pip install -e '.[bench]'"
    ) from None

from benchmarks.peers import (
    PEERS,
    altcha_verify_bodies,
    cap_redeem_bodies,
    post_all,
    write_lines_script,
)
from edge_api.keys import KeyRing

CONNECTIONS = 32
# Distinct bodies per second of run for the steps that consume them: well above what one
# core answers on this class of machine, so wrk never wraps round to a used one.
BODIES_PER_SECOND = {
    "palisade submit": 4_000,
    "palisade siteverify": 12_000,
    "altcha-v1 verify": 12_000,
    "altcha-v2 verify": 6_000,
    "cap redeem": 2_000,
    "cap siteverify": 20_000,  # at most: sized by a probe
}
ALTCHA_MAX_NUMBER = 100  # v1 difficulty: the server's work does not depend on it
ALTCHA_V2_COST = 5_000  # PBKDF2 iterations, as in ALTCHA's documentation

WHAT_IT_DOES = {
    "palisade": "challenge = site and hostname checks, rate limits and reputation (Redis),"
    " a difficulty from them and a signed PoW challenge; submit = check the PoW, score the"
    " pointer path and environment with the ONNX model, limits and reputation again (one"
    " Redis script), sign a token; siteverify = check the token, the secret and the"
    " per-secret limit, claim the token once (Redis). Every decision counted and recorded"
    " for analytics. State in Redis, shared by any number of workers and machines (the"
    " embedded store keeps it in the one process).",
    "altcha": "challenge = one SHA-256 and one HMAC (v1) or one PBKDF2 key derivation at the"
    " PoW cost and two HMACs (v2); verify = decode the payload, recompute the hash and HMAC"
    " (v2: canonical JSON and two HMACs). Stateless: the library does no replay protection,"
    " so the server keeps accepted signatures in its own memory (one process only). No"
    " behaviour scoring, no rate limits, no site keys.",
    "cap": "challenge = random token stored in process memory; redeem = re-derive 50 salts"
    " and targets with a JS PRNG, 50 SHA-256 (WebCrypto, async), delete the challenge,"
    " store a token hash; siteverify = one SHA-256 and a map lookup and delete (single use)."
    " State in one process's memory (Cap's default rewrites a JSON file of all tokens per"
    " redeem and validation; turned off here). No behaviour scoring, no rate limits.",
}


@dataclass
class System:
    name: str
    kind: str  # key of WHAT_IT_DOES
    steps: dict[str, tuple[str, WrkResult]] = field(default_factory=dict)
    counters: dict[str, float] = field(default_factory=dict)
    successes_only: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def flow_seconds(self) -> float:
        return sum(1.0 / result.requests_per_second for _, result in self.steps.values())

    def check_supply(self, step: str, supplied: int, seconds: int) -> None:
        used = self.steps[step][1].requests_per_second * seconds
        if used > supplied:
            self.notes.append(f"{step}: ran out of distinct bodies ({used:.0f} > {supplied})")


def pinned(command: list[str], cpu: str) -> list[str]:
    return command if cpu == "none" else ["taskset", "-c", cpu, *command]


def get_json(url: str) -> dict[str, float]:
    with urllib.request.urlopen(url) as response:  # noqa: S310  # loopback
        data: dict[str, float] = json.loads(response.read())
    return data


def step(system: System, name: str, label: str, url: str, script: Path, seconds: int) -> WrkResult:
    result = run_wrk(url, script, seconds=seconds, connections=CONNECTIONS)
    system.steps[name] = (label, result)
    print(f"  {system.name:<20}{name:<12}{result.requests_per_second:>9.0f} req/s", flush=True)
    return result


def run_palisade(args: argparse.Namespace, work: Path, store: str) -> System:
    system = System(f"Palisade ({store})", "palisade")
    signing_keys = KeyRing.generate_spec()
    env = production_env(work, args.redis, signing_keys)
    if store == "embedded":
        env.pop("PALISADE_REDIS_URL")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = pinned(palisade_command(port, 1, "uvicorn"), args.cpu)
    with running(command, env, url + "/readyz", work / f"palisade-{store}.log"):
        created = create_site(url, hostnames=["bench.example"], score_threshold=0.0)
        workload = PalisadeWorkload(
            KeyRing.parse(signing_keys), Site(created["sitekey"], created["secret"]), work
        )
        # Warm-up with enough distinct bodies that none is sent twice (a replay is refused).
        run_wrk(url, workload.script("submit", 6_000), seconds=1, connections=8)
        for name in STEPS:
            supplied = BODIES_PER_SECOND.get(f"palisade {name}", 0) * args.seconds
            script = workload.script(name, supplied)
            step(system, name, f"POST {PATHS[name]}", url, script, args.seconds)
            if supplied:
                system.check_supply(name, supplied, args.seconds)
        system.counters = decisions(url)
    system.successes_only = all(
        key in ("submit:pass", "siteverify:success") for key, n in system.counters.items() if n
    )
    return system


def run_altcha(args: argparse.Namespace, work: Path) -> list[System]:
    keys = {
        "ALTCHA_HMAC_KEY": secrets.token_hex(32),
        "ALTCHA_HMAC_KEY_SECRET": secrets.token_hex(32),
    }
    env = {
        **keys,
        "ALTCHA_MAX_NUMBER": str(ALTCHA_MAX_NUMBER),
        "ALTCHA_V2_COST": str(ALTCHA_V2_COST),
    }
    bodies = {
        version: altcha_verify_bodies(
            version,
            BODIES_PER_SECOND[f"altcha-{version} verify"] * args.seconds,
            hmac_key=keys["ALTCHA_HMAC_KEY"],
            hmac_key_secret=keys["ALTCHA_HMAC_KEY_SECRET"],
            max_number=ALTCHA_MAX_NUMBER,
        )
        for version in ("v1", "v2")
    }
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = bare_server_command(port)
    command[command.index("benchmarks.bare_app:app")] = "benchmarks.peers.altcha_app:app"
    get = work / "altcha-get.lua"
    get.write_text("-- GET, as the widget fetches its challenge\n")
    systems = []
    with running(pinned(command, args.cpu), env, url + "/stats", work / "altcha.log"):
        for version, detail in (
            ("v1", f"max_number {ALTCHA_MAX_NUMBER}"),
            ("v2", f"PBKDF2 cost {ALTCHA_V2_COST}"),
        ):
            system = System(f"ALTCHA {version}", "altcha")
            system.notes.append(detail)
            challenge_url = f"{url}/{version}/challenge"
            run_wrk(challenge_url, get, seconds=1, connections=CONNECTIONS)  # warm up
            step(system, "challenge", f"GET /{version}/challenge", challenge_url, get, args.seconds)
            path = f"/{version}/verify"
            script = write_lines_script(work, f"altcha-{version}", path, bodies[version])
            step(system, "verify", f"POST {path}", url, script, args.seconds)
            system.check_supply("verify", len(bodies[version]), args.seconds)
            system.counters = get_json(url + "/stats")[version]
            system.successes_only = not (system.counters["refused"] or system.counters["replayed"])
            systems.append(system)
    return systems


def npm_ci() -> None:
    if (PEERS / "node_modules" / "@cap.js" / "server").is_dir():
        return
    if shutil.which("npm") is None:
        raise SystemExit("bench_peers needs node and npm for Cap: apt-get install -y nodejs npm")
    print("installing Cap's server: npm ci in benchmarks/peers", flush=True)
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=PEERS, check=True)


def run_cap(args: argparse.Namespace, work: Path) -> System:
    npm_ci()
    system = System("Cap", "cap")
    system.notes.append("50 puzzles of 32 hex, difficulty 1")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = pinned(["node", str(PEERS / "cap_server.mjs")], args.cpu)
    with running(command, {"PORT": str(port)}, url + "/stats", work / "cap.log"):
        # Prefetch from the running server, as the widget would: challenges to redeem,
        # and tokens (earned through one-puzzle challenges) to validate.
        redeems = BODIES_PER_SECOND["cap redeem"] * args.seconds
        # validateToken refuses an unknown token after the same hash and lookup: a short
        # probe with one sizes the supply (a token takes two requests to earn).
        probe = work / "cap-probe.lua"
        probe.write_text(fixed_script("/siteverify", '{"response":"probe:00"}'))
        run_wrk(url, probe, seconds=1, connections=CONNECTIONS)  # warm up
        rate = run_wrk(url, probe, seconds=1, connections=CONNECTIONS).requests_per_second
        tokens = int(min(rate * 2, BODIES_PER_SECOND["cap siteverify"]) * args.seconds)
        refused_before = get_json(url + "/stats")["validate_refused"]
        print(f"  Cap: prefetching {redeems} challenges and {tokens} tokens", flush=True)
        redeem_bodies = cap_redeem_bodies(post_all(port, "/challenge", [b"{}"] * redeems))
        cheap = cap_redeem_bodies(post_all(port, "/challenge?count=1", [b"{}"] * tokens))
        validate_bodies = [
            json.dumps({"response": json.loads(answer)["token"]}).encode()
            for answer in post_all(port, "/redeem", cheap)
        ]
        challenge = work / "cap-challenge.lua"
        challenge.write_text(fixed_script("/challenge", "{}"))
        run_wrk(url, challenge, seconds=1, connections=CONNECTIONS)  # warm up
        step(system, "challenge", "POST /challenge", url, challenge, args.seconds)
        script = write_lines_script(work, "cap-redeem", "/redeem", redeem_bodies)
        step(system, "redeem", "POST /redeem", url, script, args.seconds)
        system.check_supply("redeem", redeems, args.seconds)
        script = write_lines_script(work, "cap-siteverify", "/siteverify", validate_bodies)
        step(system, "siteverify", "POST /siteverify", url, script, args.seconds)
        system.check_supply("siteverify", tokens, args.seconds)
        system.counters = get_json(url + "/stats")
    system.counters["validate_refused"] -= refused_before  # the probe's
    system.successes_only = not (
        system.counters["redeem_refused"] or system.counters["validate_refused"]
    )
    return system


def run_bare(args: argparse.Namespace, work: Path) -> float:
    """The bare Starlette endpoint of the other benchmarks: how loaded the machine was."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = pinned(bare_server_command(port), args.cpu)
    with running(command, {}, url + "/bare", work / "bare.log"):
        run_wrk(url, bare_script(work), seconds=1, connections=CONNECTIONS)
        return run_wrk(
            url, bare_script(work), seconds=args.seconds, connections=CONNECTIONS
        ).requests_per_second


def report(systems: list[System], args: argparse.Namespace, bare: float) -> None:
    print(f"\nbare Starlette JSON endpoint, same server settings: {bare:.0f} req/s")
    print(f"\nper step (wrk -t1 -c{CONNECTIONS}, {args.seconds} s each; server on CPU {args.cpu})")
    print(f"{'system':<20}{'step':<12}{'request':<22}{'req/s':>9}{'non-2xx':>9}{'ms/flow':>9}")
    for system in systems:
        for name, (label, result) in system.steps.items():
            print(
                f"{system.name:<20}{name:<12}{label:<22}{result.requests_per_second:>9.0f}"
                f"{result.non_2xx + result.errors:>9}{1000 / result.requests_per_second:>9.3f}"
            )
    palisades = [s for s in systems if s.kind == "palisade"]
    header = "".join(f"{p.name + ' ÷ this':>28}" for p in palisades)
    print(f"\n{'system':<20}{'steps':>6}{'ms of one core/flow':>21}{'flows/s':>9}{header}")
    for system in systems:
        flows = 1 / system.flow_seconds
        ratios = "".join(f"{(1 / p.flow_seconds) / flows:>28.2f}" for p in palisades)
        print(
            f"{system.name:<20}{len(system.steps):>6}{system.flow_seconds * 1000:>21.3f}"
            f"{flows:>9.0f}{ratios}"
        )
    print("(X ÷ this: X's flows/s over this row's; above 1, X does more flows per core)")
    print("\nevery answer a success (servers' own counters and wrk):")
    for system in systems:
        failures = sum(r.non_2xx + r.errors for _, r in system.steps.values())
        ok = "yes" if system.successes_only and not failures else "NO"
        counts = ", ".join(f"{k}={v:.0f}" for k, v in sorted(system.counters.items()) if v)
        notes = f" [{'; '.join(system.notes)}]" if system.notes else ""
        print(f"  {system.name:<20}{ok:<5}{counts}{notes}")
    print("\nwhat each flow does (read the ratio with this):")
    for kind in dict.fromkeys(s.kind for s in systems):
        print(f"  {kind}: {WHAT_IT_DOES[kind]}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--embedded", action="store_true", help="also Palisade's embedded store")
    parser.add_argument("--cpu", default="1", help="CPU the servers are pinned to, or 'none'")
    parser.add_argument(
        "--systems", type=lambda text: text.split(","), default=["palisade", "altcha", "cap"]
    )
    args = parser.parse_args()
    if unknown := set(args.systems) - {"palisade", "altcha", "cap"}:
        parser.error(f"unknown systems: {', '.join(sorted(unknown))}")
    if args.cpu != "none" and shutil.which("taskset") is None:
        parser.error("taskset is missing: pass --cpu none")
    work = Path(tempfile.mkdtemp(prefix="palisade-bench-peers-"))
    print(f"bench_peers: seconds={args.seconds} cpu={args.cpu} work={work}")
    bare = run_bare(args, work)
    systems: list[System] = []
    if "palisade" in args.systems:
        systems.append(run_palisade(args, work, "redis"))
        if args.embedded:
            systems.append(run_palisade(args, work, "embedded"))
    if "altcha" in args.systems:
        systems.extend(run_altcha(args, work))
    if "cap" in args.systems:
        systems.append(run_cap(args, work))
    report(systems, args, bare)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
