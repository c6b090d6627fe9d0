"""Liveness and readiness."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from edge_api.errors import json_response
from edge_api.services import Services

__all__ = ["healthz", "readyz"]


async def healthz(request: Request) -> Response:
    return json_response({"status": "ok"})


async def readyz(request: Request) -> Response:
    """Ready when the store answers: a worker without state must not take traffic."""
    services: Services = request.app.state.services
    if await services.store.ping():
        return json_response({"status": "ready", "store": "ok"})
    return json_response({"status": "unavailable", "store": "unreachable"}, 503)
