"""Automatic pipelining: the Redis commands of concurrent requests share round trips.

redis-py's asyncio client costs far more per command than Redis does. Like ioredis's
auto-pipelining, every command issued during one event-loop turn is queued and sent
in a single batch on the next turn; each caller awaits its own reply.

On a single Redis the batch is one write on the worker's pipelined connection
(:mod:`edge_api.store._resp`), and batches do not wait for one another. In a cluster
the batch is split by node (:mod:`edge_api.store._cluster`), one write per node's
connection; MOVED and ASK redirections are followed here. Over TLS a batch goes
through redis-py's pipeline (its cluster pipeline routes each command to its node).
Replies are raw either way (no redis-py reply callbacks).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from functools import partial
from typing import Any, cast

from redis.exceptions import NoScriptError, RedisError, ResponseError

from edge_api._exceptions import StoreError, StoreUnavailable
from edge_api.store._breaker import CircuitBreaker
from edge_api.store._cluster import ClusterRouter
from edge_api.store._packer import pack
from edge_api.store._resp import Batch, RespLink

__all__ = ["AutoPipeline"]

Command = tuple[tuple[Any, ...], dict[str, Any]]
Pending = list[tuple[Command, "asyncio.Future[Any]"]]
# Bigger batches save little and risk the timeout under load: split past this.
MAX_BATCH = 128
# A command redirected more often than this (a cluster resharding) fails.
MAX_REDIRECTS = 3

logger = logging.getLogger("palisade.store")


class AutoPipeline:
    def __init__(
        self,
        client: Any,
        *,
        timeout: float,
        breaker: CircuitBreaker,
        scripts: dict[str, str],
        on_batch: Callable[[int, float, bool], None] | None = None,
        link: RespLink | None = None,
        router: ClusterRouter | None = None,
    ) -> None:
        """``link``: the connection to a single Redis that batches go out on; ``router``:
        a cluster's, one per node. With neither, batches go through ``client.pipeline()``."""
        self._client = client
        self._link = link
        self._router = router
        self._timeout = timeout
        self._breaker = breaker
        self._scripts = scripts  # sha1 -> source, to reload after SCRIPT FLUSH / failover
        self._on_batch = on_batch
        self._pending: Pending = []
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

    def register_script(self, source: str) -> str:
        """Its SHA1, for ``EVALSHA``: a ``NOSCRIPT`` answer loads it and retries."""
        sha = hashlib.sha1(source.encode(), usedforsecurity=False).hexdigest()
        self._scripts[sha] = source
        return sha

    async def call_many(self, commands: Sequence[tuple[Any, ...]]) -> list[Any]:
        """Send ``commands`` in the next batch; their raw replies, in order. Raises the
        first failure (a ``StoreError`` for an error reply) after every reply is in."""
        if not self._breaker.allow():
            raise StoreUnavailable("circuit breaker open: Redis failed repeatedly")
        loop = asyncio.get_running_loop()
        futures: list[asyncio.Future[Any]] = [loop.create_future() for _ in commands]
        self._pending.extend(
            ((args, {}), future) for args, future in zip(commands, futures, strict=True)
        )
        if not self._scheduled:
            self._scheduled = True
            loop.call_soon(self._start_flush)
        replies = await asyncio.gather(*futures, return_exceptions=True)
        for reply in replies:
            if isinstance(reply, BaseException):
                raise reply
        return replies

    def _start_flush(self) -> None:
        self._scheduled = False
        pending, self._pending = self._pending, []
        router = self._router
        for start in range(0, len(pending), MAX_BATCH):
            batch = pending[start : start + MAX_BATCH]
            if self._link is not None or (router is not None and router.ready):
                self._send_direct(batch)
            elif router is not None:
                self._spawn(self._start_router(router, batch))
            else:
                self._spawn(self._flush(batch))

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _start_router(self, router: ClusterRouter, batch: Pending) -> None:
        try:
            async with asyncio.timeout(self._timeout):
                await router.start()
        except Exception as exc:  # no caller may hang on a cluster that cannot be asked
            self._fail(_futures(batch), exc)
            return
        self._send_direct(batch)

    def _send_direct(self, batch: Pending) -> None:
        """Pack each command and write it on its node's link, one write per node."""
        groups: dict[RespLink, tuple[list[bytes], Pending]] = {}
        for item in batch:
            args = item[0][0]
            try:
                packed = pack(args)
            except RedisError as exc:  # an argument hiredis cannot send: only its caller fails
                _settle(item[1], exc)
                continue
            try:
                link = self._link or cast(ClusterRouter, self._router).link_for(args)
            except Exception as exc:  # no node for the slot (the cluster is not whole)
                self._fail([item[1]], exc)
                self._spawn(self._refresh_quietly(cast(ClusterRouter, self._router)))
                continue
            group = groups.get(link)
            if group is None:
                group = groups[link] = ([], [])
            group[0].append(packed)
            group[1].append(item)
        for link, (packed_commands, sent) in groups.items():
            link.send(Batch(b"".join(packed_commands), len(sent), partial(self._link_done, sent)))

    def _link_done(self, batch: Pending, sent: Batch, error: BaseException | None) -> None:
        self._count(len(batch), sent.started, error is None)
        if error is not None:
            self._fail(_futures(batch), error)
            if self._router is not None:  # a node that fails may have been replaced
                self._spawn(self._refresh_quietly(self._router))
            return
        self._breaker.success()
        retry: Pending = []
        redirect: list[tuple[tuple[Command, asyncio.Future[Any]], str]] = []
        for item, result in zip(batch, sent.replies, strict=True):
            if isinstance(result, ResponseError):
                text = str(result)
                if text.startswith("NOSCRIPT"):
                    retry.append(item)
                    continue
                if self._router is not None and text.startswith(("MOVED ", "ASK ")):
                    redirect.append((item, text))
                    continue
            _settle(item[1], result)
        if retry:
            self._spawn(self._reload_and_retry(retry))
        if redirect:
            self._spawn(self._redirect(cast(ClusterRouter, self._router), redirect))

    async def _redirect(
        self, router: ClusterRouter, items: list[tuple[tuple[Command, asyncio.Future[Any]], str]]
    ) -> None:
        """A slot moved (MOVED: learn the slots again and resend) or is moving (ASK:
        send to the node named, after ASKING), at most MAX_REDIRECTS times a command."""
        if any(text.startswith("MOVED") for _, text in items):
            await self._refresh_quietly(router)
        calls: list[tuple[asyncio.Future[Any], Awaitable[Any]]] = []
        for ((args, options), future), text in items:
            hops = int(options.get("_redirects", 0)) + 1
            if hops > MAX_REDIRECTS:
                _settle(future, StoreError(f"still redirected after {MAX_REDIRECTS}: {text}"))
            elif text.startswith("ASK"):
                host, _, port = text.split()[2].rpartition(":")
                asking = pack(("ASKING",)) + pack(args)
                done = partial(self._asking_done, future)
                router.link_at(host, int(port)).send(Batch(asking, 2, done))
            else:
                calls.append((future, self.call(*args, **{**options, "_redirects": hops})))
        results = await asyncio.gather(*(call for _, call in calls), return_exceptions=True)
        for (future, _), result in zip(calls, results, strict=True):
            _settle_raised(future, result)

    def _asking_done(
        self, future: asyncio.Future[Any], sent: Batch, error: BaseException | None
    ) -> None:
        self._count(1, sent.started, error is None)
        if error is not None:
            self._fail([future], error)
            return
        self._breaker.success()
        _settle(future, sent.replies[1])

    @staticmethod
    async def _refresh_quietly(router: ClusterRouter) -> None:
        try:
            await router.refresh()
        except Exception:  # the next batch's failure reports it; stale slots redirect
            logger.warning("could not refresh the Redis Cluster slots", exc_info=True)

    async def _reload_and_retry(self, batch: Pending) -> None:
        """Scripts vanished (SCRIPT FLUSH, failover to a fresh replica): load them and
        run just those commands again."""
        try:
            for sha in {str(args[1]) for (args, _), _ in batch}:
                if self._router is not None:  # on every primary
                    await self._client.script_load(self._scripts[sha])
                else:
                    await self.call("SCRIPT", "LOAD", self._scripts[sha])
            results = await asyncio.gather(
                *(self.call(*args, **options) for (args, options), _ in batch),
                return_exceptions=True,
            )
        except (StoreError, KeyError, RedisError, OSError) as exc:
            results = [exc] * len(batch)
        for (_, future), result in zip(batch, results, strict=True):
            _settle_raised(future, result)

    def _count(self, size: int, started: float, ok: bool) -> None:
        self.round_trips += 1
        if self._on_batch is not None:
            self._on_batch(size, asyncio.get_running_loop().time() - started, ok)

    def _fail(self, futures: list[asyncio.Future[Any]], error: BaseException) -> None:
        self._breaker.failure()
        unavailable = (
            error
            if isinstance(error, StoreUnavailable)
            else StoreUnavailable(f"Redis did not answer: {error!r}")
        )
        for future in futures:
            if not future.done():
                future.set_exception(unavailable)

    async def _execute(self, commands: list[Command]) -> list[Any]:
        started = asyncio.get_running_loop().time()
        ok = False
        try:
            async with asyncio.timeout(self._timeout):
                pipe = self._client.pipeline(transaction=False)
                for args, options in commands:
                    pipe.execute_command(*args, **options)
                results: list[Any] = await pipe.execute(raise_on_error=False)
            ok = True
            return results
        finally:
            self._count(len(commands), started, ok)

    async def _flush(self, batch: Pending) -> None:
        """A batch through redis-py's pipeline (Redis Cluster, TLS)."""
        commands = [command for command, _ in batch]
        try:
            results = await self._execute(commands)
            missing = {
                str(command[0][1])
                for command, result in zip(commands, results, strict=True)
                if isinstance(result, NoScriptError)
            }
            if missing:
                for sha in missing:
                    await self._client.script_load(self._scripts[sha])
                retry = [i for i, r in enumerate(results) if isinstance(r, NoScriptError)]
                for index, result in zip(
                    retry, await self._execute([commands[i] for i in retry]), strict=True
                ):
                    results[index] = result
        except (TimeoutError, OSError, RedisError) as exc:
            self._fail(_futures(batch), exc)
            return
        self._breaker.success()
        for (_, future), result in zip(batch, results, strict=True):
            _settle(future, result)

    async def close(self) -> None:
        """Send what is queued and wait for every reply owed (each bounded by the timeout)."""
        if self._scheduled:
            self._start_flush()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._link is not None:
            await self._link.close()
        if self._router is not None:
            await self._router.close()


def _futures(batch: Pending) -> list[asyncio.Future[Any]]:
    return [future for _, future in batch]


def _settle_raised(future: asyncio.Future[Any], result: Any) -> None:
    """A result from ``call`` itself: an exception there is already the caller's error."""
    if future.done():
        return
    if isinstance(result, BaseException):
        future.set_exception(result)
    else:
        future.set_result(result)


def _settle(future: asyncio.Future[Any], result: Any) -> None:
    if future.done():  # its caller gave up (cancelled)
        return
    if isinstance(result, Exception):
        future.set_exception(StoreError(str(result)))
    else:
        future.set_result(result)
