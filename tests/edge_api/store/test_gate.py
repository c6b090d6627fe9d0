"""The gate (GCRA limits, single-use claim, decaying reputation): same answers from
the memory store and from gate.lua in a real Redis, on a controlled clock."""

from __future__ import annotations

import secrets

import pytest
import redis.asyncio as aioredis

from edge_api.store import (
    GateRequest,
    GateResult,
    LimitSpec,
    RedisStore,
    ReputationDeltas,
    Store,
)

pytestmark = pytest.mark.anyio
NOW = 1_800_000_000.0


def limit(rate: float, burst: int, name: str = "ip", key: str = "lim:ip:{n:a}:1") -> LimitSpec:
    return LimitSpec(name=name, key=key, rate=rate, burst=burst)


async def test_gcra_allows_burst_then_the_rate(store: Store) -> None:
    spec = (limit(rate=2, burst=5),)
    outcomes = [(await store.gate(GateRequest(now=NOW, limits=spec))).status for _ in range(7)]
    assert outcomes == ["allowed"] * 5 + ["limited"] * 2
    refused = await store.gate(GateRequest(now=NOW, limits=spec))
    assert refused.limited == "ip"
    assert refused.retry_after == pytest.approx(0.5, abs=0.002)
    # Half a second later one more request fits (rate 2/s), not two.
    later = [(await store.gate(GateRequest(now=NOW + 0.5, limits=spec))).status for _ in range(2)]
    assert later == ["allowed", "limited"]
    # After the bucket drains completely the whole burst is available again.
    drained = [(await store.gate(GateRequest(now=NOW + 10, limits=spec))).status for _ in range(5)]
    assert drained == ["allowed"] * 5


async def test_all_limits_decide_together_and_limited_consumes_nothing(store: Store) -> None:
    tight = limit(rate=1, burst=1, name="site_ip", key="lim:siteip:{s:x}:1")
    loose = limit(rate=100, burst=100, name="site", key="lim:site:{s:x}")
    first = await store.gate(GateRequest(now=NOW, limits=(loose, tight)))
    assert first.status == "allowed"
    second = await store.gate(GateRequest(now=NOW, limits=(loose, tight)))
    assert (second.status, second.limited) == ("limited", "site_ip")
    # The loose limit was not charged by the refused request: usage shows 1 of 100 used.
    third = await store.gate(GateRequest(now=NOW, limits=(loose,)))
    assert third.usage[0] == pytest.approx(0.01, abs=1e-5)  # Redis reports parts per million


async def test_claim_single_use_with_claimant_value(store: Store) -> None:
    ask = GateRequest(now=NOW, claim_key="tok:{s:x}:abc", claim_ttl=60, claim_value=b"=key1")
    assert (await store.gate(ask)).status == "allowed"
    replay = await store.gate(ask)
    assert replay.status == "replay"
    assert replay.claimed_by == b"=key1"


async def test_limited_request_does_not_burn_the_claim(store: Store) -> None:
    spec = (limit(rate=1, burst=1),)
    await store.gate(GateRequest(now=NOW, limits=spec))
    limited = await store.gate(
        GateRequest(now=NOW, limits=spec, claim_key="ch:{n:a}:1", claim_ttl=60)
    )
    assert limited.status == "limited"
    later = await store.gate(
        GateRequest(now=NOW + 5, limits=spec, claim_key="ch:{n:a}:1", claim_ttl=60)
    )
    assert later.status == "allowed"


async def test_reputation_rises_with_bad_outcomes_and_decays(store: Store) -> None:
    # The claim shares the reputations' slot, as the service lays keys out.
    keys = ("rep:ip:{n:a}:1", "rep:net:{n:a}")
    deltas = ReputationDeltas(ok=-0.5, limited=1.0, replay=4.0)
    claim = GateRequest(
        now=NOW,
        claim_key="ch:{n:a}:9",
        claim_ttl=60,
        reputation_keys=keys,
        deltas=deltas,
        half_life=100,
    )
    assert (await store.gate(claim)).reputation == (0.0, 0.0)  # ok: floored at 0
    replayed = await store.gate(claim)
    assert replayed.reputation == (4.0, 4.0)
    # One half-life later the score has halved; an ok outcome then lowers it.
    later = GateRequest(now=NOW + 100, reputation_keys=keys, deltas=deltas, half_life=100)
    assert (await store.gate(later)).reputation == pytest.approx((1.5, 1.5))
    much_later = GateRequest(now=NOW + 2100, reputation_keys=keys, deltas=deltas, half_life=100)
    assert (await store.gate(much_later)).reputation == (0.0, 0.0)


async def test_reputations_in_another_slot_follow_the_outcome(store: Store) -> None:
    # A token's claim lives in its site's slot and its client's reputations in the
    # client's (and the fingerprint's): in a cluster those are separate script calls,
    # and a replay or a refusal must still move the reputations.
    keys = ("rep:ip:{n:c}:1", "rep:fp:{f:c}")
    deltas = ReputationDeltas(ok=0.0, limited=0.5, replay=3.0)
    claim = GateRequest(
        now=NOW,
        claim_key="tok:{s:c}:jti",
        claim_ttl=60,
        reputation_keys=keys,
        deltas=deltas,
        half_life=1e9,
    )
    first = await store.gate(claim)
    assert (first.status, first.reputation) == ("allowed", (0.0, 0.0))
    replay = await store.gate(claim)
    assert (replay.status, replay.reputation) == ("replay", (3.0, 3.0))
    site_limit = (limit(rate=1, burst=1, name="site", key="lim:site:{s:c}"),)
    allowed = await store.gate(
        GateRequest(now=NOW, limits=site_limit, reputation_keys=keys, deltas=deltas)
    )
    assert allowed.reputation == pytest.approx((3.0, 3.0), abs=1e-6)
    limited = await store.gate(
        GateRequest(now=NOW, limits=site_limit, reputation_keys=keys, deltas=deltas)
    )
    assert limited.status == "limited"
    assert limited.reputation == pytest.approx((3.5, 3.5), abs=1e-6)


async def test_unread_reputations_still_follow_the_outcome(store: Store) -> None:
    # Siteverify reads no reputation: the answer has none, a success leaves them as
    # they were, a replay still raises them.
    keys = ("rep:ip:{n:d}:1", "rep:net:{n:d}")
    deltas = ReputationDeltas(ok=0.0, limited=0.0, replay=3.0)
    claim = GateRequest(
        now=NOW,
        claim_key="tok:{s:d}:jti",
        claim_ttl=60,
        reputation_keys=keys,
        deltas=deltas,
        half_life=1e9,
        read_reputation=False,
    )
    first = await store.gate(claim)
    assert (first.status, first.reputation) == ("allowed", ())
    replay = await store.gate(claim)
    assert (replay.status, replay.reputation) == ("replay", ())
    look = GateRequest(now=NOW, reputation_keys=keys, deltas=deltas, half_life=1e9)
    assert (await store.gate(look)).reputation == pytest.approx((3.0, 3.0), abs=1e-6)


async def test_a_cluster_siteverify_is_one_script_call(redis_cluster_url: str) -> None:
    store = RedisStore(redis_cluster_url, prefix=f"calls:{secrets.token_hex(6)}:")
    calls: list[GateRequest] = []
    send = store._gate_group

    async def counted(request: GateRequest) -> GateResult:
        calls.append(request)
        return await send(request)

    store._gate_group = counted  # type: ignore[method-assign]
    try:
        request = GateRequest(
            now=NOW,
            limits=(limit(rate=10, burst=10, name="secret", key="lim:sec:{s:e}:1"),),
            claim_key="tok:{s:e}:jti",
            claim_ttl=60,
            reputation_keys=("rep:ip:{n:e}:1", "rep:net:{n:e}"),
            deltas=ReputationDeltas(ok=0.0, limited=0.0, replay=3.0),
            read_reputation=False,
        )
        assert (await store.gate(request)).status == "allowed"
        assert len(calls) == 1  # the client's slot is left alone
        assert (await store.gate(request)).status == "replay"
        assert len(calls) == 3  # the claim, then the client's reputations raised
        assert calls[-1].reputation_keys == request.reputation_keys
    finally:
        await store.close()


async def test_an_unchanged_reputation_reads_decayed_and_writes_nothing(store: Store) -> None:
    keys = ("rep:ip:{n:b}:1", "rep:net:{n:b}")
    bad = GateRequest(now=NOW, reputation_keys=keys, deltas=ReputationDeltas(ok=2.0), half_life=100)
    assert (await store.gate(bad)).reputation == (2.0, 2.0)
    neutral = ReputationDeltas(ok=0.0)
    for elapsed, expected in ((100, 1.0), (150, 2.0 * 0.5**1.5), (300, 0.25)):
        request = GateRequest(
            now=NOW + elapsed, reputation_keys=keys, deltas=neutral, half_life=100
        )
        assert (await store.gate(request)).reputation == pytest.approx((expected, expected))


async def test_neutral_outcomes_leave_redis_untouched(redis_url: str) -> None:
    prefix = f"neutral:{secrets.token_hex(6)}:"
    store = RedisStore(redis_url, prefix=prefix)
    admin = aioredis.Redis.from_url(redis_url)
    try:
        keys = ("rep:ip:{n:c}:1", "rep:net:{n:c}")
        neutral = ReputationDeltas(ok=0.0, limited=0.0, replay=0.0)
        clean = GateRequest(now=NOW, reputation_keys=keys, deltas=neutral, half_life=100)
        assert (await store.gate(clean)).reputation == (0.0, 0.0)
        assert await admin.keys(prefix + "*") == []  # a clean client costs no keys
        bad = GateRequest(
            now=NOW, reputation_keys=keys, deltas=ReputationDeltas(ok=1.0), half_life=100
        )
        await store.gate(bad)
        stored = await admin.hgetall(prefix + keys[0])
        later = GateRequest(now=NOW + 50, reputation_keys=keys, deltas=neutral, half_life=100)
        await store.gate(later)
        assert await admin.hgetall(prefix + keys[0]) == stored  # not rewritten
    finally:
        await admin.aclose()
        await store.close()


async def test_script_reloads_after_script_flush(redis_url: str) -> None:
    store = RedisStore(redis_url, prefix=f"flush:{secrets.token_hex(6)}:")
    try:
        spec = (limit(rate=1, burst=2),)
        assert (await store.gate(GateRequest(now=NOW, limits=spec))).status == "allowed"
        admin = aioredis.Redis.from_url(redis_url)
        await admin.script_flush()
        await admin.aclose()
        assert (await store.gate(GateRequest(now=NOW, limits=spec))).status == "allowed"
        assert (await store.gate(GateRequest(now=NOW, limits=spec))).status == "limited"
    finally:
        await store.close()


async def test_concurrent_commands_share_round_trips(redis_url: str) -> None:
    import asyncio

    store = RedisStore(redis_url, prefix=f"batch:{secrets.token_hex(6)}:")
    try:
        await store.get("warm")
        before = store.round_trips
        await asyncio.gather(*(store.claim(f"k{i}", 10) for i in range(50)))
        assert store.round_trips - before == 1
    finally:
        await store.close()
