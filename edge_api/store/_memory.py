"""The embedded store: in-process dictionaries, for a single process."""

from __future__ import annotations

import builtins
import heapq
import math
import time
from collections.abc import Callable
from typing import Literal

from edge_api.store._gate import GateRequest, GateResult, decay

__all__ = ["MemoryStore"]

# Past this many limit buckets, drained ones are dropped (bounded memory).
MAX_TATS = 100_000


class MemoryStore:
    """In-memory :class:`~edge_api.store.Store` with TTLs driven by an injectable clock."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._values: dict[str, bytes | int] = {}
        # GCRA arrival times, apart from the byte values: no encoding per request.
        self._tats: dict[str, tuple[float, float]] = {}
        self._expiry: dict[str, float] = {}
        # (deadline, key) heap so expired keys are purged without scanning.
        self._deadlines: list[tuple[float, str]] = []
        self._indexes: dict[str, set[str]] = {}
        # Reputation (score, updated_at) on the request's clock, as gate.lua keeps it.
        self._reputation: dict[str, tuple[float, float]] = {}
        self._reputation_expiry: dict[str, float] = {}

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

    async def gate(self, request: GateRequest) -> GateResult:
        """The algorithm of ``gate.lua``, on dictionaries."""
        self._purge()
        now = request.now
        limited: tuple[str, float] | None = None
        new_tats: list[float] = []
        usage: list[float] = []
        for limit in request.limits:
            interval = 1 / limit.rate
            tolerance = limit.burst * interval
            stored = self._tats.get(limit.key)
            tat = now if stored is None or stored[0] <= now else max(stored[1], now)
            new_tat = tat + interval
            usage.append((tat - now) / tolerance)
            allow_at = new_tat - tolerance
            if now < allow_at and limited is None:
                limited = (limit.name, math.ceil((allow_at - now) * 1000) / 1000)
            new_tats.append(new_tat)
        status: Literal["allowed", "limited", "replay"] = "allowed"
        claimed_by: bytes | None = None
        if limited is not None:
            status = "limited"
        else:
            for limit, new_tat in zip(request.limits, new_tats, strict=True):
                # (expires, tat): a drained bucket is as good as a missing one.
                self._tats[limit.key] = (new_tat + 1, new_tat)
            if len(self._tats) > MAX_TATS:
                self._tats = {k: v for k, v in self._tats.items() if v[0] > now}
            if request.claim_key is not None:
                previous = self._values.get(request.claim_key)
                if previous is not None:
                    status = "replay"
                    claimed_by = previous if isinstance(previous, bytes) else b""
                else:
                    self._put(request.claim_key, request.claim_value, request.claim_ttl)
        delta = request.deltas.of(status)
        reputation = []
        for key in request.reputation_keys:
            stored_rep = self._reputation.get(key)
            score, at = stored_rep if stored_rep is not None else (0.0, now)
            expires = self._reputation_expiry.get(key, math.inf)
            if expires <= now:
                score, at = 0.0, now
            score = max(0.0, decay(score, now - at, request.half_life) + delta)
            if score > 0.001:
                if delta != 0:  # as gate.lua: decay is computed at each read
                    self._reputation[key] = (score, now)
                    self._reputation_expiry[key] = now + request.reputation_ttl
            else:
                self._reputation.pop(key, None)
            reputation.append(score)
        return GateResult(
            status=status,
            limited=None if limited is None else limited[0],
            retry_after=0.0 if limited is None else limited[1],
            usage=tuple(usage),
            reputation=tuple(reputation) if request.read_reputation else (),
            claimed_by=claimed_by,
        )

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
        self._reputation.clear()
        self._reputation_expiry.clear()
        self._tats.clear()
