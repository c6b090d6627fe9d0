"""Every store under one contract: memory, a real Redis, a real Redis Cluster."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator

import pytest

from edge_api.store import MemoryStore, RedisStore, Store
from tests.conftest import FakeClock


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(params=["memory", "redis", "cluster"])
async def store(request: pytest.FixtureRequest, clock: FakeClock) -> AsyncIterator[Store]:
    if request.param == "memory":
        yield MemoryStore(clock=clock)
        return
    fixture = "redis_url" if request.param == "redis" else "redis_cluster_url"
    redis_url: str = request.getfixturevalue(fixture)
    redis_store = RedisStore(redis_url, prefix=f"store:{secrets.token_hex(6)}:")
    yield redis_store
    await redis_store.close()
