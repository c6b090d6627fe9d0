"""Automatic pipelining: the Redis commands of concurrent requests share round trips.

redis-py's asyncio client costs far more per command than Redis does. Like ioredis's
auto-pipelining, every command issued during one event-loop turn is queued and sent
in a single pipeline on the next turn; each caller awaits its own reply.

On a single Redis the batch goes out on a pooled connection as one packed write and
its replies are read back in order: redis-py's ``Pipeline`` object (its command stack,
retry wrapper and reply callbacks) cost more CPU per batch than the round trip itself.
A cluster batch still goes through redis-py's cluster pipeline, which routes each
command to its node. Replies are raw either way (no redis-py reply callbacks).
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from typing import Any

from redis.exceptions import NoScriptError, RedisError, ResponseError

from edge_api._exceptions import StoreError, StoreUnavailable
from edge_api.store._breaker import CircuitBreaker

__all__ = ["AutoPipeline"]

Command = tuple[tuple[Any, ...], dict[str, Any]]
# Bigger batches save little and risk the timeout under load: split past this.
MAX_BATCH = 128


class AutoPipeline:
    def __init__(
        self,
        client: Any,
        *,
        timeout: float,
        breaker: CircuitBreaker,
        scripts: dict[str, str],
        on_batch: Callable[[int, float, bool], None] | None = None,
        direct: bool = False,
    ) -> None:
        """``direct``: ``client`` is a single Redis whose pool the batches may use."""
        self._client = client
        self._direct = direct
        self._timeout = timeout
        self._breaker = breaker
        self._scripts = scripts  # sha1 -> source, to reload after SCRIPT FLUSH / failover
        self._on_batch = on_batch
        self._pending: list[tuple[Command, asyncio.Future[Any]]] = []
        self._scheduled = False
        self._tasks: set[asyncio.Task[None]] = set()
        self.round_trips = 0

    async def call(self, *args: Any, **options: Any) -> Any:
        """Send one command in the next batch; ``options`` reach redis-py's reply parsers."""
        if not self._breaker.allow():
            raise StoreUnavailable("circuit breaker open: Redis failed repeatedly")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        self._pending.append(((args, options), future))
        if not self._scheduled:
            self._scheduled = True
            loop.call_soon(self._start_flush)
        return await future

    def _start_flush(self) -> None:
        self._scheduled = False
        pending, self._pending = self._pending, []
        loop = asyncio.get_running_loop()
        for start in range(0, len(pending), MAX_BATCH):
            task = loop.create_task(self._flush(pending[start : start + MAX_BATCH]))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _execute(self, commands: list[Command]) -> list[Any]:
        loop = asyncio.get_running_loop()
        start = loop.time()
        ok = False
        try:
            async with asyncio.timeout(self._timeout):
                if self._direct:
                    results = await self._send_on_connection(commands)
                else:
                    pipe = self._client.pipeline(transaction=False)
                    for args, options in commands:
                        pipe.execute_command(*args, **options)
                    results = await pipe.execute(raise_on_error=False)
            ok = True
            return results
        finally:
            self.round_trips += 1
            if self._on_batch is not None:
                self._on_batch(len(commands), loop.time() - start, ok)

    async def _send_on_connection(self, commands: list[Command]) -> list[Any]:
        """One write of every command, then each reply in order; a command's error
        reply is its result, as with ``raise_on_error=False``."""
        pool = self._client.connection_pool
        connection = await pool.get_connection()
        try:
            await connection.send_packed_command(
                connection.pack_commands([args for args, _ in commands])
            )
            results: list[Any] = []
            for _ in commands:
                try:
                    # No timeout per reply (redis-py's documented math.inf): the batch's
                    # own timeout in _execute bounds them all, and a timer per reply
                    # cost more CPU than parsing it.
                    results.append(await connection.read_response(timeout=math.inf))
                except ResponseError as exc:
                    results.append(exc)
            return results
        except BaseException:
            # Cut off mid-batch (timeout, cancellation, broken socket): replies may be
            # left unread, so this connection must not serve anyone else.
            await connection.disconnect(nowait=True)
            raise
        finally:
            await pool.release(connection)

    async def _flush(self, batch: list[tuple[Command, asyncio.Future[Any]]]) -> None:
        commands = [command for command, _ in batch]
        try:
            results = await self._execute(commands)
            missing = {
                str(command[0][1])
                for command, result in zip(commands, results, strict=True)
                if isinstance(result, NoScriptError)
            }
            if missing:
                # Scripts vanished (SCRIPT FLUSH, failover to a fresh replica): load
                # them and run just those commands again.
                for sha in missing:
                    await self._client.script_load(self._scripts[sha])
                retry = [i for i, r in enumerate(results) if isinstance(r, NoScriptError)]
                for index, result in zip(
                    retry, await self._execute([commands[i] for i in retry]), strict=True
                ):
                    results[index] = result
        except (TimeoutError, OSError, RedisError) as exc:
            self._breaker.failure()
            error = StoreUnavailable(f"Redis did not answer: {exc!r}")
            for _, future in batch:
                if not future.done():
                    future.set_exception(error)
            return
        self._breaker.success()
        for (_, future), result in zip(batch, results, strict=True):
            if future.done():
                continue
            if isinstance(result, Exception):
                future.set_exception(StoreError(str(result)))
            else:
                future.set_result(result)

    async def close(self) -> None:
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
