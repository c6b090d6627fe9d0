"""Raw ASGI reads and writes for the endpoints that skip Starlette's request and response.

A ``Request`` (with its ``Headers``) and a ``Response`` cost 4-6 µs per request; the
hottest, simplest endpoints read their body and write their JSON answer with these
instead.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.requests import ClientDisconnect
from starlette.types import Message, Receive, Scope, Send

__all__ = ["header", "read_body", "replay_body", "send_json"]

_JSON = (b"content-type", b"application/json")


def header(scope: Scope, name: bytes) -> bytes:
    """The first value of a (lower-case) header, or ``b""``."""
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return b""


async def read_body(receive: Receive) -> bytes:
    """The whole body; raises ``ClientDisconnect`` as Starlette's ``Request.body`` does."""
    message = await receive()
    if message["type"] == "http.request" and not message.get("more_body", False):
        return bytes(message.get("body", b""))  # the usual case: one message
    chunks: list[bytes] = []
    while True:
        if message["type"] == "http.disconnect":
            raise ClientDisconnect()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)
        message = await receive()


def replay_body(body: bytes) -> Receive:
    """A ``receive`` that hands out a body already read (for Starlette's form parser)."""

    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def send_json(
    send: Send, status: int, body: bytes, headers: Iterable[tuple[bytes, bytes]] = ()
) -> None:
    """``body`` (JSON already encoded) as the whole response."""
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [_JSON, (b"content-length", b"%d" % len(body)), *headers],
        }
    )
    await send({"type": "http.response.body", "body": body})
