"""The ``palisade`` command: ``serve``, ``sites ...`` and ``keys generate``."""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Sequence

from edge_api._exceptions import ConfigError
from edge_api.keys import KeyRing, dev_secret, load_admin_token, load_keyring
from edge_api.settings import Settings
from edge_api.sites import new_secret, new_sitekey

__all__ = ["main"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_ADMIN_URL = "http://127.0.0.1:8000"
APP_FACTORY = "edge_api.app:create_app"


def _serve(args: argparse.Namespace) -> int:
    try:
        settings = Settings.from_env()
        if settings.embedded_store and args.workers > 1:
            raise ConfigError(
                f"--workers {args.workers} needs a shared store: the embedded store lives in one "
                "process. Set PALISADE_REDIS_URL=redis://host:6379/0 or use --workers 1."
            )
        # Generate dev keys before workers start, so every worker reads the same ones.
        load_keyring(settings)
        load_admin_token(settings)
        if settings.dev:
            dev_secret(settings.data_dir, "demo_sitekey", new_sitekey)
            dev_secret(settings.data_dir, "demo_secret", new_secret)
    except ConfigError as exc:
        print(f"palisade: {exc}", file=sys.stderr)
        return 2
    if args.workers > 1:
        # Several workers: each writes its Prometheus samples to files in this directory
        # and /metrics (whichever worker answers) merges them. Stale files would skew it.
        import atexit
        import glob
        import shutil
        import tempfile

        multiproc = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
        if not multiproc:
            multiproc = tempfile.mkdtemp(prefix="palisade-prometheus-")
            atexit.register(shutil.rmtree, multiproc, True)
        os.makedirs(multiproc, exist_ok=True)
        for stale in glob.glob(os.path.join(multiproc, "*.db")):
            os.remove(stale)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = multiproc
    if settings.dev:
        print(
            f"palisade dev mode: demo at http://{args.host}:{args.port}/demo\n"
            f"  admin token and dev keys: {settings.data_dir / 'keys.json'}",
            file=sys.stderr,
            flush=True,
        )
    if args.server == "granian":
        from granian import Granian
        from granian.constants import Interfaces, Loops

        Granian(
            APP_FACTORY,
            address=args.host,
            port=args.port,
            interface=Interfaces.ASGI,
            workers=args.workers,
            loop=Loops.uvloop,
            factory=True,
            log_access=False,
            websockets=False,
        ).serve()
        return 0
    import uvicorn

    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        loop="uvloop",
        http="httptools",
        lifespan="on",
        access_log=False,
        server_header=False,
        proxy_headers=False,  # forwarding headers are judged by PALISADE_TRUSTED_PROXIES
        timeout_graceful_shutdown=10,
        log_level=settings.log_level,
    )
    return 0


def _admin_request(args: argparse.Namespace, method: str, path: str, body: object = None) -> int:
    token = args.token or os.environ.get("PALISADE_ADMIN_TOKEN")
    if not token:
        try:
            token = load_admin_token(Settings.from_env())
        except ConfigError as exc:
            print(f"palisade: {exc}", file=sys.stderr)
            return 2
    if not token:
        print("palisade: set PALISADE_ADMIN_TOKEN or pass --token", file=sys.stderr)
        return 2
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(  # noqa: S310  # the operator's own admin URL
        args.url.rstrip("/") + path,
        data=data,
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            payload = response.read()
    except urllib.error.HTTPError as exc:
        print(exc.read().decode() or f"HTTP {exc.code}", file=sys.stderr)
        return 1
    except urllib.error.URLError as exc:
        print(f"palisade: cannot reach {args.url}: {exc.reason}", file=sys.stderr)
        return 1
    if payload:
        print(json.dumps(json.loads(payload), indent=2))
    return 0


def _site_fields(args: argparse.Namespace) -> dict[str, object]:
    fields: dict[str, object] = {}
    for name in (
        "name",
        "mode",
        "score_threshold",
        "pow_min",
        "pow_max",
        "token_lifetime",
        "failure_policy",
    ):
        value = getattr(args, name, None)
        if value is not None:
            fields[name] = value
    if getattr(args, "hostname", None):
        fields["hostnames"] = args.hostname
    return fields


def _sites(args: argparse.Namespace) -> int:
    action = args.sites_action
    if action == "list":
        return _admin_request(args, "GET", "/admin/v1/sites")
    if action == "create":
        return _admin_request(args, "POST", "/admin/v1/sites", _site_fields(args))
    path = f"/admin/v1/sites/{args.sitekey}"
    if action == "get":
        return _admin_request(args, "GET", path)
    if action == "update":
        return _admin_request(args, "PATCH", path, _site_fields(args))
    if action == "rotate-secret":
        return _admin_request(args, "POST", path + "/rotate-secret")
    return _admin_request(args, "DELETE", path)


def _add_site_options(parser: argparse.ArgumentParser, *, create: bool) -> None:
    parser.add_argument(
        "--hostname",
        action="append",
        required=create,
        help="allowed hostname (exact or *.example.com); repeat for more",
    )
    parser.add_argument("--name")
    parser.add_argument("--mode", choices=["invisible", "managed", "checkbox"])
    parser.add_argument("--score-threshold", dest="score_threshold", type=float)
    parser.add_argument("--pow-min", dest="pow_min", type=int)
    parser.add_argument("--pow-max", dest="pow_max", type=int)
    parser.add_argument("--token-lifetime", dest="token_lifetime", type=int)
    parser.add_argument("--failure-policy", dest="failure_policy", choices=["open", "closed"])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="palisade", description="Palisade bot detection service")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the service")
    serve.add_argument("--host", default=DEFAULT_HOST)
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--server", choices=["uvicorn", "granian"], default="uvicorn")
    serve.set_defaults(handler=_serve)

    sites = commands.add_parser("sites", help="manage sites through the admin API")
    sites.add_argument("--url", default=os.environ.get("PALISADE_URL", DEFAULT_ADMIN_URL))
    sites.add_argument("--token", help="admin token (default: PALISADE_ADMIN_TOKEN)")
    actions = sites.add_subparsers(dest="sites_action", required=True)
    actions.add_parser("list")
    _add_site_options(actions.add_parser("create"), create=True)
    for name in ("get", "rotate-secret", "delete"):
        actions.add_parser(name).add_argument("sitekey")
    update = actions.add_parser("update")
    update.add_argument("sitekey")
    _add_site_options(update, create=False)
    sites.set_defaults(handler=_sites)

    keys = commands.add_parser("keys", help="signing keys")
    key_actions = keys.add_subparsers(dest="keys_action", required=True)
    generate = key_actions.add_parser("generate", help="print a new kid:key entry")
    generate.add_argument("--kid", default="k1")
    keys.set_defaults(handler=lambda a: print(KeyRing.generate_spec(a.kid)) or 0)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    raise SystemExit(main())
