"""Prometheus metrics and the middleware that times every request."""

from __future__ import annotations

import re
import secrets
import time

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "DECISIONS",
    "REQUESTS",
    "REQUEST_SECONDS",
    "AccessMiddleware",
    "metrics_endpoint",
]

REQUESTS = Counter(
    "palisade_http_requests_total",
    "HTTP requests by route and status",
    ["route", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "palisade_http_request_seconds",
    "HTTP request latency by route",
    ["route"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
DECISIONS = Counter(
    "palisade_decisions_total",
    "Verification decisions by endpoint and outcome",
    ["endpoint", "outcome"],
)


_REQUEST_ID_RE = re.compile(rb"^[A-Za-z0-9._-]{8,64}$")


class AccessMiddleware:
    """Per-request accounting in one layer: the request id, latency and counts.

    The request id is taken from a sane ``X-Request-Id`` (set by the CDN) or made
    here, kept in ``scope["state"]`` and echoed on the response. Metrics are labelled
    by route template, never by raw path.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        # labels() takes a lock and builds a tuple each call: keep the children.
        self._latency: dict[str, Histogram] = {}
        self._counts: dict[tuple[str, str, int], Counter] = {}

    def _observe(self, route: str, method: str, status: int, seconds: float) -> None:
        latency = self._latency.get(route)
        if latency is None:
            latency = self._latency[route] = REQUEST_SECONDS.labels(route)
        latency.observe(seconds)
        key = (route, method, status)
        count = self._counts.get(key)
        if count is None:
            count = self._counts[key] = REQUESTS.labels(route, method, str(status))
        count.inc()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500
        request_id = b""
        for name, value in scope["headers"]:
            if name == b"x-request-id" and _REQUEST_ID_RE.match(value):
                request_id = value
                break
        if not request_id:
            request_id = secrets.token_hex(8).encode()
        scope.setdefault("state", {})["request_id"] = request_id.decode()

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id)]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            self._observe(route, scope["method"], status, time.perf_counter() - start)


async def metrics_endpoint(request: Request) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
