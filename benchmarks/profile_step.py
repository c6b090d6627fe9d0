"""Where a worker's time goes on one step under load: py-spy samples a production-mode
worker (Redis, one worker) while wrk drives the step flat out.

    .venv/bin/python -m benchmarks.profile_step submit [--seconds 8] [--top 25]
        [--server uvicorn|granian] [--redis redis://127.0.0.1:6379/14]

Prints the functions with the largest share of samples, inclusive and self, and keeps
the collapsed stacks (for flame graph tools) in the printed file. py-spy needs ptrace
rights over the worker (root or ``kernel.yama.ptrace_scope=0``).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from benchmarks._flow import STEPS, PalisadeWorkload, Site, add_payload_argument
from benchmarks._harness import create_site, free_port, run_wrk, server
from benchmarks.bench_deployed import palisade_command, production_env
from edge_api.keys import KeyRing

CONNECTIONS = 32


def summarise(collapsed: Path, top: int) -> None:
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        count = int(count_text)
        frames = [frame.split(" (")[0] + " " + _where(frame) for frame in stack.split(";")]
        total += count
        for frame in set(frames):
            inclusive[frame] += count
        own[frames[-1]] += count
    print(f"{total} samples")
    for title, counter in (("inclusive", inclusive), ("self", own)):
        print(f"\n{title}:")
        for frame, count in counter.most_common(top):
            print(f"  {count / total:>6.1%}  {frame}")


def _where(frame: str) -> str:
    """``file.py`` of a py-spy frame ``name (path/file.py:line)``."""
    if " (" not in frame:
        return ""
    location = frame.split(" (", 1)[1].rstrip(")")
    return "(" + location.rsplit("/", 1)[-1].split(":")[0] + ")"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("step", choices=STEPS)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--server", choices=["uvicorn", "granian"], default="uvicorn")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    add_payload_argument(parser)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="palisade-profile-"))
    signing_keys = KeyRing.generate_spec()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = palisade_command(port, 1, args.server)
    with server(
        command,
        production_env(work, args.redis, signing_keys),
        url + "/readyz",
        work / "server.log",
    ) as pid:
        created = create_site(url, hostnames=["bench.example"], score_threshold=0.0)
        workload = PalisadeWorkload(
            KeyRing.parse(signing_keys),
            Site(created["sitekey"], created["secret"]),
            work,
            pages=args.payload == "page",
        )
        run_wrk(url, workload.script(args.step, 3_000), seconds=1, connections=8)
        script = workload.script(args.step, 10_000 * args.seconds)
        collapsed = work / f"{args.step}.collapsed"
        with subprocess.Popen(
            [
                str(Path(sys.executable).with_name("py-spy")),
                "record",
                "--pid",
                str(pid),
                "--subprocesses",
                "--format",
                "raw",
                "--rate",
                "250",
                "--duration",
                str(args.seconds),
                "--output",
                str(collapsed),
                "--nonblocking",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ) as spy:
            result = run_wrk(url, script, seconds=args.seconds, connections=CONNECTIONS)
            spy.wait()
    print(f"{args.step}: {result.requests_per_second:.0f} req/s, non-2xx {result.non_2xx}")
    print(f"collapsed stacks: {collapsed}")
    summarise(collapsed, args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
