"""Per-request accounting: the request id, latency and count metrics, the access log.

The access log is one JSON object per line on stderr. Lines are gathered and written
once per turn of the event loop: a write per request (a ``LogRecord``, the logging
module's handler lock, a system call on line-buffered stderr) cost about a tenth of a
siteverify request. What is gathered is written at the end of the loop's current turn,
when the buffer grows past ``MAX_BUFFERED`` bytes, and when the lifespan ends.

Each write holds whole lines and at most ``PIPE_BUF`` bytes: the workers of one server
share its stderr, often a pipe to a container runtime, and only writes that small are
atomic on a pipe, so lines of two workers never interleave.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import re
import secrets
import select
import sys
import time

import orjson
from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from edge_api.metrics import REQUEST_SECONDS, REQUESTS

__all__ = ["ACCESS_LOG_ENV", "AccessLines", "AccessMiddleware", "access_log_enabled"]

ACCESS_LOG_ENV = "PALISADE_ACCESS_LOG"
MAX_BUFFERED = 64 * 1024
_REQUEST_ID_RE = re.compile(rb"^[A-Za-z0-9._-]{8,64}$")


def access_log_enabled() -> bool:
    return os.environ.get(ACCESS_LOG_ENV, "on").lower() not in ("off", "0", "false", "no")


class AccessLines:
    """Lines for stderr, written in batches (whatever ``sys.stderr`` is at the time)."""

    def __init__(self) -> None:
        self._lines: list[bytes] = []
        self._size = 0
        self._scheduled = False

    def add(self, line: bytes) -> None:
        self._lines.append(line)
        self._size += len(line)
        if self._size > MAX_BUFFERED:
            self.flush()
        elif not self._scheduled:
            try:
                asyncio.get_running_loop().call_soon(self.flush)
                self._scheduled = True
            except RuntimeError:  # no loop (a synchronous caller): write now
                self.flush()

    def flush(self) -> None:
        self._scheduled = False
        if not self._lines:
            return
        chunks = _whole_lines_within(self._lines, select.PIPE_BUF)
        self._lines.clear()
        self._size = 0
        stream = sys.stderr
        try:
            stream.flush()  # keep order with text already written
            buffer = getattr(stream, "buffer", None)
            for chunk in chunks:
                if buffer is not None:
                    buffer.write(chunk)
                    buffer.flush()
                else:
                    stream.write(chunk.decode())
                    stream.flush()
        except (OSError, ValueError):  # a closed or broken stderr must not fail requests
            pass


def _whole_lines_within(lines: list[bytes], limit: int) -> list[bytes]:
    """``lines`` joined into as few chunks as possible of at most ``limit`` bytes each
    (a longer line is a chunk of its own)."""
    chunks: list[bytes] = []
    start, size = 0, 0
    for index, line in enumerate(lines):
        if size and size + len(line) > limit:
            chunks.append(b"".join(lines[start:index]))
            start, size = index, 0
        size += len(line)
    if size:
        chunks.append(b"".join(lines[start:]))
    return chunks


class AccessMiddleware:
    """Per-request accounting in one layer: the request id, latency, counts, access log.

    The request id is taken from a sane ``X-Request-Id`` (set by the CDN) or made
    here, kept in ``scope["state"]`` and echoed on the response. Metrics are labelled
    by route template, never by raw path. The access log line carries the path but
    never the query string (it could hold a secret someone put there by mistake).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        # labels() takes a lock and builds a tuple each call: keep the children.
        self._latency: dict[str, Histogram] = {}
        self._counts: dict[tuple[str, str, int], Counter] = {}
        self._lines = AccessLines() if access_log_enabled() else None
        # Request ids must be unique, not secret: a random prefix and a counter cost no
        # system call per request (os.urandom does). The prefix is drawn at the first
        # request, in the worker, so workers forked from one app never share it.
        self._id_prefix = ""
        self._id_counter = itertools.count()

    def _next_request_id(self) -> bytes:
        if not self._id_prefix:
            self._id_prefix = secrets.token_hex(4)
        return f"{self._id_prefix}{next(self._id_counter) & 0xFFFFFFFF:08x}".encode()

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
            try:
                await self.app(scope, receive, send)
            finally:
                if self._lines is not None:
                    self._lines.flush()  # the lifespan ends: nothing is left unwritten
            return
        start = time.perf_counter()
        status = 500
        request_id = b""
        for name, value in scope["headers"]:
            if name == b"x-request-id" and _REQUEST_ID_RE.match(value):
                request_id = value
                break
        if not request_id:
            request_id = self._next_request_id()
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
            seconds = time.perf_counter() - start
            self._observe(route, scope["method"], status, seconds)
            if self._lines is not None:
                self._lines.add(_access_line(scope, route, status, seconds, request_id))


def _access_line(scope: Scope, route: str, status: int, seconds: float, request_id: bytes) -> bytes:
    client = scope.get("client")
    line = {
        "ts": round(time.time(), 3),
        "level": "info",
        "event": "request",
        "request_id": request_id.decode(),
        "method": scope["method"],
        "path": scope["path"][:200],
        "route": route,
        "status": status,
        "duration_ms": round(seconds * 1000, 3),
        # The socket peer (usually the proxy/CDN); the client IP itself is not logged.
        "peer": client[0] if client else None,
    }
    return orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE)
