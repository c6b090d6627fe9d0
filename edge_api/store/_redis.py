"""The Redis store: automatic pipelining on one hiredis connection per worker and Redis
(per primary in a cluster; redis-py for TLS, the topology and everything else), a
circuit breaker, and Redis Cluster when the URL says so."""

from __future__ import annotations

import asyncio
import builtins
import functools
import hashlib
import re
from collections.abc import Callable, Sequence
from importlib import resources
from typing import Any

import msgspec
import redis.asyncio as aioredis
from redis.asyncio.cluster import RedisCluster
from redis.exceptions import RedisError

from edge_api.store._breaker import CircuitBreaker
from edge_api.store._cluster import ClusterRouter
from edge_api.store._gate import GateRequest, GateResult, ReputationDeltas
from edge_api.store._packer import use_hiredis_packer
from edge_api.store._pipeline import AutoPipeline
from edge_api.store._resp import RespLink, supports

__all__ = ["CLUSTER_SCHEMES", "DEFAULT_REDIS_TIMEOUT", "RedisStore", "hash_tag"]

DEFAULT_REDIS_TIMEOUT = 0.25
DEFAULT_MAX_CONNECTIONS = 64
# All keys live under one prefix so one Redis can serve other things too.
KEY_PREFIX = "pal:"
CLUSTER_SCHEMES = ("redis+cluster://", "rediss+cluster://")
_TAG_RE = re.compile(r"\{([^}]+)\}")
_STATUS = ("allowed", "limited", "replay")

GATE_SCRIPT = resources.files("edge_api.store").joinpath("gate.lua").read_text()
GATE_SHA = hashlib.sha1(GATE_SCRIPT.encode(), usedforsecurity=False).hexdigest()


def hash_tag(key: str) -> str:
    """The part of a key Redis Cluster hashes: the first ``{...}``, else the whole key."""
    match = _TAG_RE.search(key)
    return match.group(1) if match else key


def _ms(ttl: float) -> int:
    return max(1, round(ttl * 1000))


# The gate's per-limit and reputation arguments come from a handful of configured values:
# formatted once each, not on every call (a float's repr is about 0.3 µs).
@functools.lru_cache(maxsize=256)
def _limit_args(rate: float, burst: int) -> tuple[str, int]:
    return repr(rate), burst


@functools.lru_cache(maxsize=64)
def _reputation_args(
    half_life: float, reputation_ttl: float, deltas: ReputationDeltas
) -> tuple[str, int, str, str, str]:
    return (
        repr(half_life),
        _ms(reputation_ttl),
        repr(deltas.ok),
        repr(deltas.limited),
        repr(deltas.replay),
    )


class RedisStore:
    """:class:`~edge_api.store.Store` on Redis; construct once per process (lifespan).

    ``redis+cluster://host:port`` (or ``rediss+cluster://``) uses redis-py's cluster
    client, seeded from that node. Keys that one script touches share a hash tag.
    """

    def __init__(
        self,
        url: str,
        *,
        timeout: float = DEFAULT_REDIS_TIMEOUT,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        prefix: str = KEY_PREFIX,
        breaker: CircuitBreaker | None = None,
        on_batch: Callable[[int, float, bool], None] | None = None,
    ) -> None:
        self._prefix = prefix
        self.cluster = url.startswith(CLUSTER_SCHEMES)
        client: Any
        if self.cluster:
            plain = url.replace("+cluster", "", 1)
            client = RedisCluster.from_url(
                plain,
                socket_timeout=timeout,
                socket_connect_timeout=timeout,
                max_connections=max_connections,
            )
        else:
            client = aioredis.Redis.from_url(
                url,
                socket_timeout=timeout,
                socket_connect_timeout=timeout,
                max_connections=max_connections,
                health_check_interval=30,
            )
        use_hiredis_packer(client, cluster=self.cluster)
        # Commands go out on connections of Palisade's own (TLS: on redis-py's).
        direct = supports(url)
        self._redis = client
        self.breaker = breaker or CircuitBreaker()
        self._pipeline = AutoPipeline(
            client,
            timeout=timeout,
            breaker=self.breaker,
            scripts={GATE_SHA: GATE_SCRIPT},
            on_batch=on_batch,
            link=RespLink.from_url(url, timeout=timeout) if direct and not self.cluster else None,
            router=ClusterRouter(client, url, timeout=timeout) if direct and self.cluster else None,
        )

    @property
    def client(self) -> Any:
        return self._redis

    @property
    def round_trips(self) -> int:
        return self._pipeline.round_trips

    def _k(self, key: str) -> str:
        return self._prefix + key

    async def _call(self, *command: Any, **options: Any) -> Any:
        return await self._pipeline.call(*command, **options)

    async def call_many(self, commands: Sequence[tuple[Any, ...]]) -> list[Any]:
        """Raw commands (full key names) sent together on the request path's pipeline,
        for bulk writes such as analytics: hiredis packs them and one write carries
        them, without redis-py's per-command pipeline machinery."""
        return await self._pipeline.call_many(commands)

    async def claim(self, key: str, ttl: float, value: bytes = b"1") -> bytes | None:
        # SET NX GET (Redis >= 7.0): one command both claims and reports the claimant.
        previous = await self._call(
            "SET", self._k(key), value, "PX", _ms(ttl), "NX", "GET", get=True
        )
        return previous if isinstance(previous, bytes) else None

    async def get(self, key: str) -> bytes | None:
        value = await self._call("GET", self._k(key))
        return value if isinstance(value, bytes) else None

    async def set(self, key: str, value: bytes, ttl: float | None = None) -> None:
        if ttl is None:
            await self._call("SET", self._k(key), value)
        else:
            await self._call("SET", self._k(key), value, "PX", _ms(ttl))

    async def delete(self, *keys: str) -> int:
        # One DEL per key: in a cluster the keys may live in different slots.
        count = 0
        for key in keys:
            count += int(await self._call("DEL", self._k(key)))
        return count

    async def ttl(self, key: str) -> float | None:
        pttl = int(await self._call("PTTL", self._k(key)))
        return None if pttl < 0 else pttl / 1000

    async def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int:
        value = int(await self._call("INCRBY", self._k(key), amount))
        if ttl is not None and value == amount:
            # NX: only a counter without a TTL (just created) gets one.
            await self._call("PEXPIRE", self._k(key), _ms(ttl), "NX")
        return value

    async def index_add(self, index: str, member: str) -> None:
        await self._call("SADD", self._k(index), member)

    async def index_remove(self, index: str, member: str) -> None:
        await self._call("SREM", self._k(index), member)

    async def index_members(self, index: str) -> builtins.set[str]:
        members = await self._call("SMEMBERS", self._k(index))
        return {m.decode() if isinstance(m, bytes) else str(m) for m in members}

    async def gate(self, request: GateRequest) -> GateResult:
        """One EVALSHA (single Redis) or one per hash tag, pipelined (Cluster)."""
        if not self.cluster:
            return await self._gate_group(request)
        tags: dict[str, GateRequest] = {}
        for limit in request.limits:
            tag = hash_tag(limit.key)
            group = tags.get(tag) or _empty_like(request)
            tags[tag] = _with(group, limits=(*group.limits, limit))
        if request.claim_key is not None:
            tag = hash_tag(request.claim_key)
            group = tags.get(tag) or _empty_like(request)
            tags[tag] = _with(
                group,
                claim_key=request.claim_key,
                claim_ttl=request.claim_ttl,
                claim_value=request.claim_value,
            )
        for key in request.reputation_keys:
            tag = hash_tag(key)
            group = tags.get(tag) or _empty_like(request)
            tags[tag] = _with(group, reputation_keys=(*group.reputation_keys, key))
        groups = list(tags.values())
        # Reputations alone in their slot that an allowed request leaves unchanged and
        # that nobody reads need no call unless the request turns out refused.
        results = [GateResult(status="allowed")] * len(groups)
        sent = [i for i, group in enumerate(groups) if not _unchanged_unless_refused(group)]
        answers = await asyncio.gather(*(self._gate_group(groups[i]) for i in sent))
        for index, answer in zip(sent, answers, strict=True):
            results[index] = answer
        merged = _merge(request, groups, results)
        # A group decides its reputations' change by its own outcome: a token's client
        # lives in another slot than the token's claim, so it saw "allowed" where the
        # request was a replay. Add the difference (rare: only on a refusal).
        corrections = [
            (index, _correction(group, result.status, merged.status))
            for index, (group, result) in enumerate(zip(groups, results, strict=True))
            if group.reputation_keys and result.status != merged.status
        ]
        if not corrections:
            return merged
        fixed = await asyncio.gather(*(self._gate_group(fix) for _, fix in corrections))
        for (index, _), result in zip(corrections, fixed, strict=True):
            results[index] = msgspec.structs.replace(results[index], reputation=result.reputation)
        return _merge(request, groups, results)

    async def _gate_group(self, request: GateRequest) -> GateResult:
        keys: list[str] = []
        if request.claim_key is not None:
            keys.append(self._k(request.claim_key))
        keys += [self._k(limit.key) for limit in request.limits]
        keys += [self._k(key) for key in request.reputation_keys]
        args: list[Any] = [
            repr(request.now),
            "1" if request.claim_key is not None else "0",
            _ms(request.claim_ttl) if request.claim_key is not None else 0,
            request.claim_value,
            len(request.limits),
        ]
        for limit in request.limits:
            args += _limit_args(limit.rate, limit.burst)
        args += _reputation_args(request.half_life, request.reputation_ttl, request.deltas)
        args.append("1" if request.read_reputation else "0")
        reply = await self._call("EVALSHA", GATE_SHA, len(keys), *keys, *args)
        status, index, retry_ms = int(reply[0]), int(reply[1]), int(reply[2])
        n = len(request.limits)
        return GateResult(
            status=_STATUS[status],  # type: ignore[arg-type]
            limited=request.limits[index - 1].name if status == 1 else None,
            retry_after=retry_ms / 1000,
            usage=tuple(int(u) / 1_000_000 for u in reply[4 : 4 + n]),
            reputation=tuple(float(r) for r in reply[4 + n :]) if request.read_reputation else (),
            claimed_by=bytes(reply[3]) if status == 2 else None,
        )

    def register_script(self, source: str) -> str:
        """A Lua script for :meth:`call_many`'s ``EVALSHA``: its SHA1. Redis loads it on
        first use (the ``NOSCRIPT`` answer), on every primary of a cluster."""
        return self._pipeline.register_script(source)

    async def ping(self) -> bool:
        try:
            return bool(await self._redis.ping())
        except (RedisError, OSError):
            return False

    async def close(self) -> None:
        await self._pipeline.close()
        await self._redis.aclose()


def _empty_like(request: GateRequest) -> GateRequest:
    return GateRequest(
        now=request.now,
        deltas=request.deltas,
        half_life=request.half_life,
        reputation_ttl=request.reputation_ttl,
        read_reputation=request.read_reputation,
    )


def _unchanged_unless_refused(group: GateRequest) -> bool:
    return (
        not group.read_reputation
        and not group.limits
        and group.claim_key is None
        and group.deltas.ok == 0
    )


def _correction(group: GateRequest, had: str, wanted: str) -> GateRequest:
    """Reputations only, moved by what the outcome ``wanted`` adds beyond ``had``'s."""
    delta = group.deltas.of(wanted) - group.deltas.of(had)
    return GateRequest(
        now=group.now,
        reputation_keys=group.reputation_keys,
        deltas=ReputationDeltas(ok=delta, limited=delta, replay=delta),
        half_life=group.half_life,
        reputation_ttl=group.reputation_ttl,
        read_reputation=group.read_reputation,
    )


def _with(request: GateRequest, **changes: Any) -> GateRequest:
    return msgspec.structs.replace(request, **changes)


def _merge(
    request: GateRequest, groups: list[GateRequest], results: list[GateResult]
) -> GateResult:
    """Per-slot answers as one. In a cluster each slot group is atomic on its own."""
    usage = {}
    reputation = {}
    status = "allowed"
    limited, retry_after = None, 0.0
    claimed_by = None
    for group, result in zip(groups, results, strict=True):
        claimed_by = claimed_by or result.claimed_by
        usage.update({limit.name: u for limit, u in zip(group.limits, result.usage, strict=True)})
        if request.read_reputation:
            reputation.update(dict(zip(group.reputation_keys, result.reputation, strict=True)))
        if result.status == "limited" and limited is None:
            status, limited, retry_after = "limited", result.limited, result.retry_after
        elif result.status == "replay" and status == "allowed":
            status = "replay"
    return GateResult(
        status=status,  # type: ignore[arg-type]
        limited=limited,
        retry_after=retry_after,
        usage=tuple(usage[limit.name] for limit in request.limits),
        reputation=tuple(reputation[key] for key in request.reputation_keys)
        if request.read_reputation
        else (),
        claimed_by=claimed_by,
    )
