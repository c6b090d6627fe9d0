"""The Redis store: redis.asyncio with hiredis and one connection pool."""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from contextlib import contextmanager

import redis.asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from edge_api._exceptions import StoreError, StoreUnavailable

__all__ = ["DEFAULT_REDIS_TIMEOUT", "RedisStore"]

DEFAULT_REDIS_TIMEOUT = 0.5
DEFAULT_MAX_CONNECTIONS = 64
# All keys live under one prefix so one Redis can serve other things too.
KEY_PREFIX = "pal:"


@contextmanager
def _translate_errors() -> Iterator[None]:
    """Redis client errors as the store's own hierarchy."""
    try:
        yield
    except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
        raise StoreUnavailable(str(exc)) from exc
    except RedisError as exc:
        raise StoreError(str(exc)) from exc


def _ms(ttl: float) -> int:
    return max(1, round(ttl * 1000))


class RedisStore:
    """:class:`~edge_api.store.Store` on Redis; construct once per process (lifespan)."""

    def __init__(
        self,
        url: str,
        *,
        timeout: float = DEFAULT_REDIS_TIMEOUT,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        prefix: str = KEY_PREFIX,
    ) -> None:
        self._prefix = prefix
        self._redis: aioredis.Redis = aioredis.Redis.from_url(
            url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            max_connections=max_connections,
            health_check_interval=30,
        )

    @property
    def client(self) -> aioredis.Redis:
        return self._redis

    def _k(self, key: str) -> str:
        return self._prefix + key

    async def claim(self, key: str, ttl: float, value: bytes = b"1") -> bytes | None:
        with _translate_errors():
            # SET NX GET (Redis >= 7.0): one command both claims and reports the claimant.
            previous = await self._redis.set(self._k(key), value, px=_ms(ttl), nx=True, get=True)
        return previous if isinstance(previous, bytes) else None

    async def get(self, key: str) -> bytes | None:
        with _translate_errors():
            value = await self._redis.get(self._k(key))
        return value if isinstance(value, bytes) else None

    async def set(self, key: str, value: bytes, ttl: float | None = None) -> None:
        with _translate_errors():
            await self._redis.set(self._k(key), value, px=None if ttl is None else _ms(ttl))

    async def delete(self, *keys: str) -> int:
        if not keys:
            return 0
        with _translate_errors():
            # One DEL per key: in a cluster the keys may live on different slots.
            count = 0
            for key in keys:
                count += int(await self._redis.delete(self._k(key)))
        return count

    async def ttl(self, key: str) -> float | None:
        with _translate_errors():
            pttl = int(await self._redis.pttl(self._k(key)))
        return None if pttl < 0 else pttl / 1000

    async def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int:
        with _translate_errors():
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incrby(self._k(key), amount)
                if ttl is not None:
                    # NX: set the TTL only when the counter has none (just created).
                    pipe.pexpire(self._k(key), _ms(ttl), nx=True)
                results = await pipe.execute()
        return int(results[0])

    async def index_add(self, index: str, member: str) -> None:
        with _translate_errors():
            await self._redis.sadd(self._k(index), member)

    async def index_remove(self, index: str, member: str) -> None:
        with _translate_errors():
            await self._redis.srem(self._k(index), member)

    async def index_members(self, index: str) -> builtins.set[str]:
        with _translate_errors():
            members = await self._redis.smembers(self._k(index))
        return {m.decode() if isinstance(m, bytes) else str(m) for m in members}

    async def ping(self) -> bool:
        try:
            return bool(await self._redis.ping())
        except (RedisError, OSError):
            return False

    async def close(self) -> None:
        await self._redis.aclose()
