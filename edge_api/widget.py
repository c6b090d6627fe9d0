"""Serves the widget bundle (``/v1/api.js``) and, in dev mode, the demo page (``/demo``).

The bundle is built by ``npm ci && npm run build`` in ``sdk_js/``; this module only
reads ``sdk_js/dist``. ``/v1/api.js`` is cached briefly (a deploy reaches every page
within minutes); the versioned URLs are immutable, so the version embeds a content hash.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import os
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

__all__ = ["Bundle", "demo_routes", "load_bundle", "widget_dir", "widget_routes"]

SHORT_CACHE = "public, max-age=300"
IMMUTABLE_CACHE = "public, max-age=31536000, immutable"
STATIC_DIR = Path(__file__).resolve().parent / "static"
DEMO_FORM_LIMIT = 16 * 1024
SITEVERIFY_TIMEOUT = 10.0


def widget_dir() -> Path:
    """``sdk_js/dist`` of this checkout; ``PALISADE_WIDGET_DIR`` overrides (packaged installs)."""
    override = os.environ.get("PALISADE_WIDGET_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent / "sdk_js" / "dist"


@dataclass(frozen=True, slots=True)
class Bundle:
    """One built ``api.js``: its bytes, a gzip copy, and a content-derived version."""

    body: bytes
    gzipped: bytes
    version: str
    etag: str
    mtime_ns: int


_cache: dict[Path, Bundle] = {}


def load_bundle(directory: Path | None = None) -> Bundle | None:
    """The built bundle, re-read only when the file changes; ``None`` if not built."""
    directory = directory or widget_dir()
    path = directory / "api.js"
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return None
    cached = _cache.get(path)
    if cached is not None and cached.mtime_ns == mtime:
        return cached
    body = path.read_bytes()
    digest = hashlib.sha256(body).hexdigest()
    try:
        semver = (directory / "VERSION").read_text().strip() or "0"
    except OSError:
        semver = "0"
    bundle = Bundle(
        body=body,
        gzipped=gzip.compress(body, compresslevel=9, mtime=0),
        # The hash makes "immutable" true: a rebuild under the same semver is a new URL.
        version=f"{semver}-{digest[:10]}",
        etag=f'"{digest[:32]}"',
        mtime_ns=mtime,
    )
    _cache[path] = bundle
    return bundle


def _not_built() -> JSONResponse:
    return JSONResponse(
        {"error": "widget_not_built", "detail": "run npm ci && npm run build in sdk_js"},
        status_code=503,
        headers={"Cache-Control": "no-store"},
    )


def _serve(request: Request, version: str | None) -> Response:
    bundle = load_bundle()
    if bundle is None:
        return _not_built()
    # Only the exact current version is immutable; any other pin gets the current
    # bundle with a short cache rather than a 404 that would break the page.
    cache = IMMUTABLE_CACHE if version == bundle.version else SHORT_CACHE
    headers = {
        "Cache-Control": cache,
        "ETag": bundle.etag,
        "Vary": "Accept-Encoding",
        "X-Content-Type-Options": "nosniff",
        # Any site may embed it, also under COEP and with Subresource Integrity.
        "Cross-Origin-Resource-Policy": "cross-origin",
        "Access-Control-Allow-Origin": "*",
        "X-Palisade-Widget-Version": bundle.version,
    }
    if bundle.etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    body = bundle.body
    if "gzip" in request.headers.get("accept-encoding", ""):
        body = bundle.gzipped
        headers["Content-Encoding"] = "gzip"
    media = "text/javascript; charset=utf-8"
    if request.method == "HEAD":
        headers["Content-Length"] = str(len(body))
        return Response(status_code=200, headers=headers, media_type=media)
    return Response(body, status_code=200, headers=headers, media_type=media)


async def api_js(request: Request) -> Response:
    return _serve(request, request.query_params.get("v"))


async def versioned_api_js(request: Request) -> Response:
    return _serve(request, str(request.path_params["version"]))


def widget_routes() -> list[BaseRoute]:
    """``GET /v1/api.js``, ``/v1/api.js?v=<version>`` and ``/v1/<version>/api.js``."""
    return [
        Route("/v1/api.js", api_js, methods=["GET", "HEAD"]),
        Route("/v1/{version}/api.js", versioned_api_js, methods=["GET", "HEAD"]),
    ]


# --- dev-mode demo ---------------------------------------------------------------------


def _demo_site(request: Request) -> tuple[str, str] | None:
    site = getattr(request.app.state, "demo_site", None)
    if site is None:
        return None
    return str(site.sitekey), str(site.secret)


def _no_demo() -> JSONResponse:
    return JSONResponse(
        {"error": "not_found", "detail": "the demo runs in dev mode only (PALISADE_ENV=dev)"},
        status_code=404,
    )


def _page(template: str, nonce: str, **values: str) -> HTMLResponse:
    text = (STATIC_DIR / template).read_text()
    for key, value in {"nonce": nonce, **values}.items():
        text = text.replace("{{" + key + "}}", html.escape(value, quote=True))
    # The demo runs under the strict policy the widget promises to work with.
    csp = (
        f"default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic'; "
        f"style-src 'self' 'nonce-{nonce}'; worker-src blob:; object-src 'none'; base-uri 'none'; "
        "frame-ancestors 'none'; form-action 'self'"
    )
    return HTMLResponse(text, headers={"Content-Security-Policy": csp, "Cache-Control": "no-store"})


async def demo_page(request: Request) -> Response:
    site = _demo_site(request)
    if site is None:
        return _no_demo()
    bundle = load_bundle()
    if bundle is None:
        return _not_built()
    # People are told before they move that this page keeps what they do on it.
    services = getattr(request.app.state, "services", None)
    people = services.people if services is not None else None
    return _page(
        "demo.html",
        secrets.token_urlsafe(16),
        sitekey=site[0],
        script=f"/v1/api.js?v={bundle.version}",
        recording_hidden="" if people else " hidden",
        recording_path=str(people.path) if people else "",
    )


def _post_siteverify(url: str, fields: dict[str, str]) -> tuple[int, object]:
    """What a customer backend does: a form POST to /siteverify (blocking; run in a thread)."""
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"siteverify URL must be http(s): {url!r}")
    data = urllib.parse.urlencode(fields).encode()
    req = urllib.request.Request(  # noqa: S310 - scheme checked above
        url,
        data=data,
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        with urllib.request.urlopen(req, timeout=SITEVERIFY_TIMEOUT) as response:  # noqa: S310
            return int(response.status), json.loads(response.read())
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        try:
            return int(exc.code), json.loads(raw)
        except ValueError:
            return int(exc.code), {
                "error": "non_json_answer",
                "body": raw[:200].decode(errors="replace"),
            }


def _own_url(request: Request) -> str:
    """This server's address from the socket it answered on, never from the Host header:
    a forged Host would otherwise make it POST the demo secret to someone else."""
    server = request.scope.get("server")
    host, port = server if server else ("127.0.0.1", request.url.port or 80)
    if ":" in str(host):
        host = f"[{host}]"  # IPv6 literal
    return f"{request.url.scheme}://{host}:{port}"


async def demo_submit(request: Request) -> Response:
    site = _demo_site(request)
    if site is None:
        return _no_demo()
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > DEMO_FORM_LIMIT:
            return JSONResponse(
                {"error": "body_too_large", "detail": "demo form over 16 KiB"}, status_code=413
            )
    form = urllib.parse.parse_qs(raw.decode(errors="replace"))
    token = (form.get("palisade-response") or [""])[0]
    url = _own_url(request) + "/siteverify"
    status, answer = await run_in_threadpool(
        _post_siteverify, url, {"secret": site[1], "response": token}
    )
    success = isinstance(answer, dict) and answer.get("success") is True
    response = _page(
        "demo_result.html",
        secrets.token_urlsafe(16),
        outcome="Verified: the token is valid" if success else "Not verified",
        outcome_class="ok" if success else "bad",
        status=str(status),
        answer=json.dumps(answer, indent=2, sort_keys=True),
        message=(form.get("message") or [""])[0][:500],
    )
    response.status_code = 200 if success else 400
    return response


async def demo_css(request: Request) -> Response:
    return Response(
        (STATIC_DIR / "demo.css").read_bytes(),
        media_type="text/css; charset=utf-8",
        headers={"Cache-Control": SHORT_CACHE},
    )


def demo_routes() -> list[BaseRoute]:
    """``GET /demo`` and ``POST /demo/submit`` (answer 404 unless the app is in dev mode)."""
    return [
        Route("/demo", demo_page, methods=["GET"]),
        Route("/demo/submit", demo_submit, methods=["POST"]),
        Route("/demo/demo.css", demo_css, methods=["GET"]),
    ]
