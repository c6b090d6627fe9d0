"""Prometheus metrics and the middleware that times every request."""

from __future__ import annotations

import time

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "DECISIONS",
    "REQUESTS",
    "REQUEST_SECONDS",
    "MetricsMiddleware",
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


class MetricsMiddleware:
    """Counts and times requests, labelled by route template (never by raw path)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = scope.get("route")
            label = getattr(route, "path", "unmatched")
            REQUEST_SECONDS.labels(label).observe(time.perf_counter() - start)
            REQUESTS.labels(label, scope["method"], str(status)).inc()


async def metrics_endpoint(request: Request) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
