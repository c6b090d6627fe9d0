"""Raw ASGI reads and writes, against hand-made message sequences."""

from __future__ import annotations

import asyncio

import pytest
from starlette.requests import ClientDisconnect
from starlette.types import Message, Receive

from edge_api.asgi_io import header, read_body, replay_body, send_json


def _receiver(messages: list[Message]) -> Receive:
    queue = list(messages)

    async def receive() -> Message:
        return queue.pop(0)

    return receive


def test_read_body_joins_the_pieces() -> None:
    one = [{"type": "http.request", "body": b"abc", "more_body": False}]
    assert asyncio.run(read_body(_receiver(one))) == b"abc"
    pieces = [
        {"type": "http.request", "body": b"ab", "more_body": True},
        {"type": "http.request", "body": b"", "more_body": True},
        {"type": "http.request", "body": b"cd"},
    ]
    assert asyncio.run(read_body(_receiver(pieces))) == b"abcd"
    assert asyncio.run(read_body(_receiver([{"type": "http.request"}]))) == b""


def test_read_body_raises_on_disconnect() -> None:
    cut = [{"type": "http.request", "body": b"ab", "more_body": True}, {"type": "http.disconnect"}]
    with pytest.raises(ClientDisconnect):
        asyncio.run(read_body(_receiver(cut)))
    with pytest.raises(ClientDisconnect):
        asyncio.run(read_body(_receiver([{"type": "http.disconnect"}])))


def test_replay_body_and_header() -> None:
    assert asyncio.run(read_body(replay_body(b"xyz"))) == b"xyz"
    scope = {"headers": [(b"content-type", b"a/b"), (b"content-type", b"c/d")]}
    assert header(scope, b"content-type") == b"a/b"
    assert header(scope, b"accept") == b""


def test_send_json_sets_length_and_extra_headers() -> None:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(send_json(send, 429, b'{"a":1}', [(b"retry-after", b"3")]))
    start, body = sent
    assert start["status"] == 429
    assert start["headers"] == [
        (b"content-type", b"application/json"),
        (b"content-length", b"7"),
        (b"retry-after", b"3"),
    ]
    assert body == {"type": "http.response.body", "body": b'{"a":1}'}
