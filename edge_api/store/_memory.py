"""The embedded store: in-process dictionaries, for a single process."""

from __future__ import annotations

import builtins
import heapq
import time
from collections.abc import Callable

__all__ = ["MemoryStore"]


class MemoryStore:
    """In-memory :class:`~edge_api.store.Store` with TTLs driven by an injectable clock."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._values: dict[str, bytes | int] = {}
        self._expiry: dict[str, float] = {}
        # (deadline, key) heap so expired keys are purged without scanning.
        self._deadlines: list[tuple[float, str]] = []
        self._indexes: dict[str, set[str]] = {}

    def _purge(self) -> None:
        now = self._clock()
        while self._deadlines and self._deadlines[0][0] <= now:
            deadline, key = heapq.heappop(self._deadlines)
            if self._expiry.get(key) == deadline:
                del self._expiry[key]
                self._values.pop(key, None)

    def _put(self, key: str, value: bytes | int, ttl: float | None) -> None:
        self._values[key] = value
        if ttl is None:
            self._expiry.pop(key, None)
            return
        deadline = self._clock() + ttl
        self._expiry[key] = deadline
        heapq.heappush(self._deadlines, (deadline, key))

    async def claim(self, key: str, ttl: float, value: bytes = b"1") -> bytes | None:
        self._purge()
        existing = self._values.get(key)
        if existing is not None:
            return existing if isinstance(existing, bytes) else str(existing).encode()
        self._put(key, value, ttl)
        return None

    async def get(self, key: str) -> bytes | None:
        self._purge()
        value = self._values.get(key)
        if value is None or isinstance(value, bytes):
            return value
        return str(value).encode()

    async def set(self, key: str, value: bytes, ttl: float | None = None) -> None:
        self._purge()
        self._put(key, value, ttl)

    async def delete(self, *keys: str) -> int:
        self._purge()
        count = 0
        for key in keys:
            if self._values.pop(key, None) is not None:
                count += 1
            self._expiry.pop(key, None)
        return count

    async def ttl(self, key: str) -> float | None:
        self._purge()
        deadline = self._expiry.get(key)
        return None if deadline is None else deadline - self._clock()

    async def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int:
        self._purge()
        current = self._values.get(key)
        if current is None:
            self._put(key, amount, ttl)
            return amount
        value = (int(current) if isinstance(current, bytes) else current) + amount
        self._values[key] = value
        return value

    async def index_add(self, index: str, member: str) -> None:
        self._indexes.setdefault(index, set()).add(member)

    async def index_remove(self, index: str, member: str) -> None:
        self._indexes.get(index, set()).discard(member)

    async def index_members(self, index: str) -> builtins.set[str]:
        return set(self._indexes.get(index, ()))

    async def ping(self) -> bool:
        return True

    async def close(self) -> None:
        self._values.clear()
        self._expiry.clear()
        self._deadlines.clear()
        self._indexes.clear()
