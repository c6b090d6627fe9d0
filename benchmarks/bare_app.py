"""The baseline: a bare Starlette JSON endpoint, served with the same settings as Palisade."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


async def bare(request: Request) -> JSONResponse:
    await request.body()
    return JSONResponse({"success": True, "error-codes": []})


app = Starlette(routes=[Route("/bare", bare, methods=["POST"])])
