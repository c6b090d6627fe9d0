"""One pipelined connection to a single Redis: an asyncio ``Protocol`` with hiredis.

redis-py's asyncio connection spent about 140 µs of CPU per batch on the hot path
(pool checkout and its liveness check, a stream reader, a task and a timeout per
batch) against about 50 µs for the socket work itself, and as deployed a batch holds
only a few requests. Here a batch is one ``transport.write``; replies are parsed by
hiredis as they arrive in ``data_received`` and handed out in order. Batches do not
wait for one another: like ioredis, a worker pipelines everything on one connection
(Redis runs commands one at a time whatever the number of connections).

A batch not answered within the timeout (one watchdog timer for the connection, not
one per batch), a lost connection or a protocol error fails every batch in flight and
drops the connection; the next batch connects again. URLs: ``redis://`` and
``unix://`` with the user, password and database redis-py reads from them.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

import hiredis
from redis.asyncio.connection import parse_url
from redis.exceptions import InvalidResponse, ResponseError

from edge_api._exceptions import StoreUnavailable

__all__ = ["CLIENT_NAME", "Batch", "RespLink", "supports"]

CLIENT_NAME = "palisade-pipeline"


@dataclass(slots=True, eq=False)
class Batch:
    """Packed commands and their replies; ``done`` is called once, with the error that
    cut the batch off or None."""

    payload: bytes
    size: int
    done: Callable[[Batch, BaseException | None], None]
    started: float = 0.0
    replies: list[Any] = field(default_factory=list)


def supports(url: str) -> bool:
    """Plain TCP or a Unix socket (a single Redis, or a cluster's nodes); TLS stays with
    redis-py's connections."""
    return url.startswith(("redis://", "unix://", "redis+cluster://"))


class _Connection(asyncio.Protocol):
    def __init__(self, link: RespLink) -> None:
        self._link = link
        self._reader = hiredis.Reader(protocolError=InvalidResponse, replyError=ResponseError)
        self.inflight: deque[Batch] = deque()
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self._drained: asyncio.Future[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports implement asyncio.Transport without subclassing it.
        self.transport = cast(asyncio.Transport, transport)

    def write(self, batch: Batch) -> None:
        assert self.transport is not None
        self.transport.write(batch.payload)
        self.inflight.append(batch)

    def data_received(self, data: bytes) -> None:
        self._reader.feed(data)
        inflight = self.inflight
        try:
            while (reply := self._reader.gets()) is not False:
                if not inflight:
                    raise InvalidResponse("a reply nobody asked for")
                batch = inflight[0]
                batch.replies.append(reply)
                if len(batch.replies) == batch.size:
                    inflight.popleft()
                    batch.done(batch, None)
        except InvalidResponse as exc:
            self.fail(StoreUnavailable(f"Redis sent an unreadable reply: {exc}"))
        if not inflight:
            self._wake_drained()

    async def drained(self) -> None:
        """Until no batch is in flight (each ends answered or failed)."""
        if self.inflight:
            self._drained = asyncio.get_running_loop().create_future()
            await self._drained

    def _wake_drained(self) -> None:
        if self._drained is not None and not self._drained.done():
            self._drained.set_result(None)

    def connection_lost(self, exc: Exception | None) -> None:
        self.fail(StoreUnavailable(f"connection to Redis lost: {exc or 'closed by the server'}"))

    def fail(self, error: StoreUnavailable) -> None:
        """Drop the connection: replies still owed may never come, or come late."""
        if not self.closed:
            self.closed = True
            if self.transport is not None:
                self.transport.abort()
            self._link.forget(self)
        while self.inflight:
            batch = self.inflight.popleft()
            batch.done(batch, error)
        self._wake_drained()


class RespLink:
    """The worker's connection to one Redis, made when first needed and again after a
    failure. Not thread-safe; one per event loop."""

    @classmethod
    def from_url(cls, url: str, *, timeout: float) -> RespLink:
        """``redis://`` or ``unix://``, read the way redis-py reads them."""
        options = parse_url(url)
        return cls(
            timeout=timeout,
            host=options.get("host", "localhost"),
            port=int(options.get("port", 6379)),
            path=options.get("path"),
            username=options.get("username"),
            password=options.get("password"),
            db=int(options.get("db", 0)),
        )

    def __init__(
        self,
        *,
        timeout: float,
        host: str = "localhost",
        port: int = 6379,
        path: str | None = None,
        username: str | None = None,
        password: str | None = None,
        db: int = 0,
    ) -> None:
        self._host, self._port, self._path = host, port, path
        self._timeout = timeout
        setup: list[tuple[Any, ...]] = []
        if password is not None:
            setup.append(("AUTH", username, password) if username else ("AUTH", password))
        if db:
            setup.append(("SELECT", db))
        # Named, so that operators find the workers' pipelines in CLIENT LIST.
        setup.append(("CLIENT", "SETNAME", CLIENT_NAME))
        self._setup = setup
        self._connection: _Connection | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._connecting: asyncio.Task[None] | None = None
        self._queued: list[Batch] = []
        self._watchdog: asyncio.TimerHandle | None = None

    def send(self, batch: Batch) -> None:
        """Write now if connected, else once connected; ``batch.done`` reports either way."""
        loop = asyncio.get_running_loop()
        if not batch.started:  # kept when queued behind a connect: one timeout in all
            batch.started = loop.time()
        if self._loop is not loop:
            # First use, or the old connection belongs to an event loop that is gone
            # (its handles and queued batches cannot run on this one).
            self._loop, self._connection, self._connecting = loop, None, None
            self._queued, self._watchdog = [], None
        connection = self._connection
        if connection is not None:
            connection.write(batch)
            if self._watchdog is None:
                self._watchdog = loop.call_at(batch.started + self._timeout, self._check)
            return
        self._queued.append(batch)
        if self._connecting is None:
            self._connecting = loop.create_task(self._connect())

    def forget(self, connection: _Connection) -> None:
        if self._connection is connection:
            self._connection = None

    async def _connect(self) -> None:
        loop = asyncio.get_running_loop()
        connection: _Connection | None = None
        try:
            async with asyncio.timeout(self._timeout):
                if self._path is not None:
                    _, connection = await loop.create_unix_connection(
                        lambda: _Connection(self), self._path
                    )
                else:
                    _, connection = await loop.create_connection(
                        lambda: _Connection(self), self._host, self._port
                    )
                for reply in await self._set_up(connection):
                    if isinstance(reply, Exception):
                        raise StoreUnavailable(f"Redis refused the connection's set-up: {reply}")
        except Exception as exc:  # whatever went wrong, no queued caller may hang
            error = (
                exc
                if isinstance(exc, StoreUnavailable)
                else StoreUnavailable(f"cannot connect to Redis: {exc!r}")
            )
            if connection is not None:
                connection.fail(error)
            self._fail_queued(error)
            return
        finally:
            self._connecting = None
        self._connection = connection
        queued, self._queued = self._queued, []
        for batch in queued:
            self.send(batch)

    async def _set_up(self, connection: _Connection) -> list[Any]:
        answered: asyncio.Future[list[Any]] = asyncio.get_running_loop().create_future()

        def done(batch: Batch, error: BaseException | None) -> None:
            if not answered.done():
                if error is None:
                    answered.set_result(batch.replies)
                else:
                    answered.set_exception(error)

        payload = b"".join(hiredis.pack_command(command) for command in self._setup)
        connection.write(Batch(payload, len(self._setup), done))
        return await answered

    def _fail_queued(self, error: StoreUnavailable) -> None:
        queued, self._queued = self._queued, []
        for batch in queued:
            batch.done(batch, error)

    def _check(self) -> None:
        """The watchdog: fail the connection if its oldest batch is overdue."""
        self._watchdog = None
        connection = self._connection
        if connection is None or not connection.inflight:
            return
        loop = asyncio.get_running_loop()
        deadline = connection.inflight[0].started + self._timeout
        if loop.time() >= deadline:
            connection.fail(
                StoreUnavailable(f"Redis did not answer within {self._timeout * 1000:.0f} ms")
            )
        else:
            self._watchdog = loop.call_at(deadline, self._check)

    async def close(self) -> None:
        """Wait for the batches in flight (bounded by the timeout), then disconnect."""
        if self._connecting is not None:
            await asyncio.gather(self._connecting, return_exceptions=True)
        connection = self._connection
        if connection is None:
            return
        await connection.drained()
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None
        connection.closed = True
        self._connection = None
        if connection.transport is not None:
            connection.transport.close()
