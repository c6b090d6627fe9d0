"""``python -m loadtests run [--users N] [--seconds S] [--host URL] [--redis URL] [--soak]``.

Without ``--host`` it starts its own ``palisade serve`` (dev mode; the embedded store,
or Redis with ``--redis``) on a loopback port. Exit status 1 on unexpected failures, a
mix that did not happen, or (soak) memory that grew.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m loadtests",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the traffic mix headless and print figures")
    run.add_argument("--users", type=int, default=20, help="peak concurrent users (20)")
    run.add_argument("--seconds", type=float, default=60.0, help="run time (60; soak 600)")
    run.add_argument("--host", help="an already running server (127.0.0.1 only)")
    run.add_argument(
        "--admin-token",
        default=os.environ.get("PALISADE_ADMIN_TOKEN"),
        help="admin token of --host, to create the load-test site",
    )
    run.add_argument(
        "--redis",
        help="Redis URL for the server this starts, or 'private' to start a redis-server "
        "of its own (default: the embedded store)",
    )
    run.add_argument("--workers", type=int, default=1, help="server workers (with --redis)")
    run.add_argument("--soak", action="store_true", help="steady load; sample memory every 10 s")
    run.add_argument("--json", type=Path, help="also write the report as JSON here")
    args = parser.parse_args(argv)

    if args.host and not args.host.startswith(("http://127.0.0.1", "http://localhost")):
        parser.error("--host must be a loopback URL: load tests never leave this machine")
    if args.host and (args.redis == "private" or args.workers > 1):
        parser.error("--redis private and --workers configure the server this starts, not --host")
    if args.workers > 1 and not args.redis:
        parser.error("--workers > 1 needs --redis (the embedded store is one process)")
    # Imported here: locust patches the standard library with gevent on import, which
    # must happen before anything loads ssl.
    from loadtests.runner import print_report, write_json
    from loadtests.runner import run as run_mix

    report = run_mix(
        users=args.users,
        seconds=args.seconds,
        host=args.host,
        admin_token=args.admin_token,
        redis_url=args.redis,
        workers=args.workers,
        soak=args.soak,
    )
    print_report(report)
    if args.json:
        write_json(report, args.json)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
