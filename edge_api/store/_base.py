"""The state store interface: what the service needs, nothing more."""

from __future__ import annotations

import builtins
from typing import Protocol

from edge_api.store._gate import GateRequest, GateResult

__all__ = ["Store"]


class Store(Protocol):
    """Shared state of the workers.

    Keys are plain strings; implementations may prefix them. TTLs are seconds
    (fractions allowed). Every method raises :class:`edge_api.StoreUnavailable`
    when the backend cannot be reached.
    """

    async def claim(self, key: str, ttl: float, value: bytes = b"1") -> bytes | None:
        """Mark ``key`` used for ``ttl`` seconds.

        Returns ``None`` when this call made the mark (first use), else the value
        stored by the call that did: single use with a memory of who claimed.
        """
        ...

    async def get(self, key: str) -> bytes | None: ...

    async def set(self, key: str, value: bytes, ttl: float | None = None) -> None: ...

    async def delete(self, *keys: str) -> int:
        """Delete keys; returns how many existed."""
        ...

    async def ttl(self, key: str) -> float | None:
        """Seconds left; ``None`` when the key is missing or never expires."""
        ...

    async def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int:
        """Add to a counter (created at 0); ``ttl`` is set when the counter is created."""
        ...

    async def gate(self, request: GateRequest) -> GateResult:
        """Limits, single-use claim and reputation of one request, atomically."""
        ...

    async def index_add(self, index: str, member: str) -> None: ...

    async def index_remove(self, index: str, member: str) -> None: ...

    async def index_members(self, index: str) -> builtins.set[str]: ...

    async def ping(self) -> bool:
        """True when the backend answers."""
        ...

    async def close(self) -> None: ...
