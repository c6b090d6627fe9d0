"""Pure ASGI middleware: per-path body size limits."""

from __future__ import annotations

from collections.abc import Sequence

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from edge_api._exceptions import PayloadTooLarge
from edge_api.asgi_io import send_json

__all__ = ["DEFAULT_BODY_LIMIT", "BodyLimitMiddleware"]

DEFAULT_BODY_LIMIT = 64 * 1024
MAX_CACHED_PATHS = 256


class BodyLimitMiddleware:
    """413 with a JSON error when a body exceeds the limit of its path.

    Checks ``Content-Length`` up front and counts streamed (chunked) bodies too; a
    streamed body that grows too large raises :class:`PayloadTooLarge` inside the
    handler's read, which the exception handlers answer as 413.
    """

    def __init__(
        self, app: ASGIApp, *, limits: Sequence[tuple[str, int]], default: int = DEFAULT_BODY_LIMIT
    ) -> None:
        self.app = app
        # Longest prefix first so /v1/submit wins over /v1/.
        self.limits = sorted(limits, key=lambda item: -len(item[0]))
        self.default = default
        self._by_path: dict[str, int] = {}

    def limit_for(self, path: str) -> int:
        cached = self._by_path.get(path)
        if cached is not None:
            return cached
        limit = next((lim for prefix, lim in self.limits if path.startswith(prefix)), self.default)
        if len(self._by_path) < MAX_CACHED_PATHS:  # bounded: paths come from clients
            self._by_path[path] = limit
        return limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await _reply_413(send, limit, "Content-Length is not a number", status=400)
                    return
                if declared > limit:
                    await _reply_413(send, limit)
                    return
                break

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise PayloadTooLarge(f"request body exceeds {limit} bytes for this endpoint")
            return message

        await self.app(scope, limited_receive, send)


async def _reply_413(
    send: Send, limit: int, detail: str | None = None, *, status: int = 413
) -> None:
    body = orjson.dumps(
        {
            "error": "body_too_large" if status == 413 else "invalid_request",
            "detail": detail or f"request body exceeds {limit} bytes for this endpoint",
        }
    )
    await send_json(send, status, body)
