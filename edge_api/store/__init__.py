"""State stores: Redis for many workers, in-memory for the embedded default."""

from collections.abc import Callable

from edge_api.store._base import Store
from edge_api.store._breaker import BreakerState, CircuitBreaker
from edge_api.store._gate import GateRequest, GateResult, LimitSpec, ReputationDeltas
from edge_api.store._memory import MemoryStore
from edge_api.store._redis import RedisStore, hash_tag

__all__ = [
    "BreakerState",
    "CircuitBreaker",
    "GateRequest",
    "GateResult",
    "LimitSpec",
    "MemoryStore",
    "RedisStore",
    "ReputationDeltas",
    "Store",
    "hash_tag",
    "open_store",
]


def open_store(
    redis_url: str | None,
    *,
    on_batch: Callable[[int, float, bool], None] | None = None,
    on_breaker_state: Callable[[BreakerState], None] | None = None,
) -> Store:
    """The store the settings ask for (called once, in the app lifespan)."""
    if redis_url is None:
        return MemoryStore()
    return RedisStore(
        redis_url, on_batch=on_batch, breaker=CircuitBreaker(on_state=on_breaker_state)
    )
