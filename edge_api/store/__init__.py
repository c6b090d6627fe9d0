"""State stores: Redis for many workers, in-memory for the embedded default."""

from edge_api.store._base import Store
from edge_api.store._breaker import CircuitBreaker
from edge_api.store._gate import GateRequest, GateResult, LimitSpec, ReputationDeltas
from edge_api.store._memory import MemoryStore
from edge_api.store._redis import RedisStore, hash_tag

__all__ = [
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


def open_store(redis_url: str | None) -> Store:
    """The store the settings ask for (called once, in the app lifespan)."""
    if redis_url is None:
        return MemoryStore()
    return RedisStore(redis_url)
