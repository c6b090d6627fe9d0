"""CORS for the widget endpoints: only the site's allowed hostnames may read answers."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

__all__ = ["allow_origin_headers", "origin_host", "preflight"]

PREFLIGHT_MAX_AGE = "86400"


def origin_host(origin: str) -> str | None:
    """Hostname of an ``Origin`` header's value; ``None`` when absent (not a browser
    call), ``""`` when it names no host."""
    if not origin or origin == "null":
        return None if not origin else ""
    try:
        return (urlsplit(origin).hostname or "").lower()
    except ValueError:
        return ""


def allow_origin_headers(origin: bytes) -> list[tuple[bytes, bytes]]:
    """Headers that let the calling origin (the ``Origin`` header's raw value) read the
    answer; call after the site check."""
    if not origin:
        return []
    return [(b"access-control-allow-origin", origin), (b"vary", b"Origin")]


async def preflight(request: Request) -> Response:
    """Preflights carry no body, so no sitekey: allow them; the real request is checked."""
    origin = request.headers.get("origin", "*")
    return Response(
        status_code=204,
        headers={
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Methods": "POST, OPTIONS",
            "Access-Control-Allow-Headers": "content-type",
            "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
            "Vary": "Origin",
        },
    )
