"""Defence policy on top of the store's gate: which limits apply, how reputation moves,
how hard a challenge is, and what happens when Redis is unreachable.

Keys carry hash tags so that in Redis Cluster the keys one script touches share a
slot. A client's keys (IP and subnet limits and reputations, its per-site limit, the
challenge it claims) share ``{n:<subnet hash>}``; a site's shared keys (the site-wide
limit, spent tokens, the per-secret limit, submitted signals) share ``{s:<sitekey>}``;
a fingerprint's reputation has ``{f:<hash>}``. On a single Redis a request is one
script call; in a cluster it is one call per slot group, pipelined, each group atomic
on its own.
"""

from __future__ import annotations

import functools
import logging
import math

import msgspec

from edge_api._exceptions import StoreUnavailable
from edge_api._signing import mac
from edge_api.settings import Settings
from edge_api.sites import Site
from edge_api.store import GateRequest, GateResult, LimitSpec, ReputationDeltas, Store
from scoring import Signals

__all__ = ["Client", "Guard", "Verdict"]

logger = logging.getLogger("palisade.guard")
# The signals' keyed hash reads them as msgpack: the same values give the same bytes,
# and packing a page's pointer events costs a tenth of writing them as JSON (floats
# as eight bytes, not decimal text).
_signals_encoder = msgspec.msgpack.Encoder()

# Reputation moves (higher = worse). A clean client decays to 0; a replay or a forged
# solution costs more than a low score, which costs more than a rate-limit hit.
CHALLENGE_DELTAS = ReputationDeltas(ok=0.0, limited=0.5, replay=3.0)
PASS_DELTAS = ReputationDeltas(ok=-0.2, limited=0.5, replay=3.0)
ESCALATE_DELTAS = ReputationDeltas(ok=1.0, limited=0.5, replay=3.0)
REFUSE_DELTAS = ReputationDeltas(ok=2.0, limited=0.5, replay=3.0)
FAILED_POW_DELTAS = ReputationDeltas(ok=2.0, limited=2.0, replay=3.0)
SITEVERIFY_DELTAS = ReputationDeltas(ok=0.0, limited=0.0, replay=3.0)
# Another client's recorded behaviour, replayed with a fresh challenge: as bad as a replay.
REPLAYED_SIGNALS_DELTAS = ReputationDeltas(ok=3.0, limited=3.0, replay=3.0)
# Fewer behaviour events than this are too little to tell one person's from another's.
MIN_REPLAY_EVENTS = 16
REPUTATION_TTL_HALF_LIVES = 12
# Each extra bit doubles the work: reputation adds up to 8 bits (256x), a surge 4 (16x).
MAX_REPUTATION_BITS = 8
MAX_SURGE_BITS = 4
REPUTATION_REASON_AT = 1.0


class Client(msgspec.Struct, frozen=True):
    """Who is asking, as keyed hashes (raw IPs are never stored)."""

    ip_hash: str
    subnet_hash: str
    fingerprint: str | None = None


class Verdict(msgspec.Struct, frozen=True):
    result: GateResult
    # The store could not be asked and the site's policy is "open".
    degraded: bool = False

    @property
    def reputation(self) -> float:
        return max(self.result.reputation, default=0.0)


class Guard:
    def __init__(self, settings: Settings, store: Store, fingerprint_key: bytes) -> None:
        self._store = store
        self._limits = settings.limits
        self._half_life = settings.reputation_half_life
        self._rep_ttl = settings.reputation_half_life * REPUTATION_TTL_HALF_LIVES
        self._fingerprint_key = fingerprint_key
        # Visitors on one browser build share their environment values: each distinct
        # set is hashed once (its repr and HMAC cost 4-5 us; a hit, under 1). The schema
        # bounds a set at about 5 KB, so the cache at about 5 MB.
        self._fingerprint_of = functools.lru_cache(maxsize=1024)(self._hash_parts)
        self._signals_ttl = settings.signals_replay_seconds

    # keys -----------------------------------------------------------------
    def _limit(self, name: str, key: str, site: Site | None = None) -> LimitSpec:
        rate, burst = self._limits[name]
        if name == "site" and site is not None:
            rate = site.rate_limit or rate
            burst = site.rate_burst or burst
        return LimitSpec(name=name, key=key, rate=rate, burst=burst)

    def _client_limits(
        self, sitekey: str, client: Client, site: Site | None
    ) -> tuple[LimitSpec, ...]:
        net = f"{{n:{client.subnet_hash}}}"
        site_tag = f"{{s:{sitekey}}}"
        return (
            self._limit("ip", f"lim:ip:{net}:{client.ip_hash}"),
            self._limit("subnet", f"lim:net:{net}"),
            self._limit("site", f"lim:site:{site_tag}", site),
            self._limit("site_ip", f"lim:sip:{net}:{sitekey}:{client.ip_hash}"),
        )

    @staticmethod
    def _reputation_keys(client: Client) -> tuple[str, ...]:
        net = f"{{n:{client.subnet_hash}}}"
        keys: tuple[str, ...] = (f"rep:ip:{net}:{client.ip_hash}", f"rep:net:{net}")
        if client.fingerprint:
            keys += (f"rep:fp:{{f:{client.fingerprint}}}",)
        return keys

    def fingerprint(self, signals: Signals | None) -> str | None:
        """A keyed hash of the stable environment values, or None without them."""
        env = signals.env if signals is not None else None
        if env is None:
            return None
        parts = (
            env.user_agent,
            env.webgl_renderer,
            env.timezone,
            env.screen,
            tuple(env.languages or ()),
            env.hardware_concurrency,
            env.device_memory,
        )
        if all(part in (None, ()) for part in parts):
            return None
        return self._fingerprint_of(parts)

    def _hash_parts(self, parts: tuple[object, ...]) -> str:
        return mac(self._fingerprint_key, repr(parts).encode()).hex()[:16]

    # decisions ------------------------------------------------------------
    async def _gate(self, request: GateRequest, policy: str) -> Verdict:
        try:
            return Verdict(await self._store.gate(request))
        except StoreUnavailable:
            if policy != "open":
                raise
            logger.warning("store unavailable: failing open by site policy")
            return Verdict(GateResult(status="allowed"), degraded=True)

    async def at_challenge(
        self, sitekey: str, site: Site | None, client: Client, now: float
    ) -> Verdict:
        request = GateRequest(
            now=now,
            limits=self._client_limits(sitekey, client, site),
            reputation_keys=self._reputation_keys(client),
            deltas=CHALLENGE_DELTAS,
            half_life=self._half_life,
            reputation_ttl=self._rep_ttl,
        )
        return await self._gate(request, site.failure_policy if site else "open")

    @staticmethod
    def challenge_claim_key(client: Client, challenge_id: str) -> str:
        """In the client's slot, so claim and reputation change are one atomic call."""
        return f"ch:{{n:{client.subnet_hash}}}:{challenge_id}"

    def signals_claim_key(self, sitekey: str, signals: Signals | None) -> str | None:
        """A keyed hash of a submit's behaviour signals, in the site's slot; ``None``
        when there is too little behaviour to tell people apart (or the check is off)."""
        if self._signals_ttl <= 0 or signals is None:
            return None
        sections = (signals.pointer, signals.keys, signals.scroll, signals.touch)
        if sum(len(events) for events in sections if events) < MIN_REPLAY_EVENTS:
            return None
        data = b"signals:" + _signals_encoder.encode(sections)
        return f"sig:{{s:{sitekey}}}:{mac(self._fingerprint_key, data)[:16].hex()}"

    async def signals_replayed(self, key: str | None, client: Client, policy: str) -> bool:
        """Remember these signals for ``client``; True when another client sent them
        first (a recording replayed with fresh challenges). The same client may send
        them again: the widget resubmits after an escalation or a token refresh."""
        if key is None:
            return False
        mine = client.subnet_hash.encode()
        try:
            first = await self._store.claim(key, self._signals_ttl, mine)
        except StoreUnavailable:
            if policy != "open":
                raise
            return False
        return first is not None and first != mine

    @staticmethod
    def token_claim_key(sitekey: str, jti: str) -> str:
        return f"tok:{{s:{sitekey}}}:{jti}"

    async def at_submit(
        self,
        site: Site,
        client: Client,
        *,
        claim_key: str | None,
        claim_ttl: float,
        deltas: ReputationDeltas,
        now: float,
    ) -> Verdict:
        request = GateRequest(
            now=now,
            limits=self._client_limits(site.sitekey, client, site),
            claim_key=claim_key,
            claim_ttl=claim_ttl,
            reputation_keys=self._reputation_keys(client),
            deltas=deltas,
            half_life=self._half_life,
            reputation_ttl=self._rep_ttl,
        )
        return await self._gate(request, site.failure_policy)

    async def at_siteverify(
        self,
        site: Site,
        secret_hash: str,
        *,
        claim_key: str,
        claim_ttl: float,
        claim_value: bytes,
        client: Client | None,
        now: float,
    ) -> Verdict:
        """Per-secret limit (a leaked secret must not become an oracle) and single use."""
        request = GateRequest(
            now=now,
            limits=(self._limit("secret", f"lim:sec:{{s:{site.sitekey}}}:{secret_hash[:16]}"),),
            claim_key=claim_key,
            claim_ttl=claim_ttl,
            claim_value=claim_value,
            reputation_keys=() if client is None else self._reputation_keys(client)[:2],
            deltas=SITEVERIFY_DELTAS,
            half_life=self._half_life,
            reputation_ttl=self._rep_ttl,
            read_reputation=False,  # raised on a replay; nothing here reads it
        )
        return await self._gate(request, site.failure_policy)

    @staticmethod
    def difficulty(site: Site, verdict: Verdict, *, base: int | None = None) -> int:
        """Site bounds, raised by bad reputation and by a surge of the site's traffic."""
        bits = site.pow_min if base is None else base
        reputation_bits = min(MAX_REPUTATION_BITS, round(2 * math.log2(1 + verdict.reputation)))
        usage = verdict.result.usage
        site_usage = usage[2] if len(usage) > 2 else 0.0
        # The epsilon keeps 0.25 (read back as 0.2499999...) on its step.
        surge_bits = min(MAX_SURGE_BITS, math.floor(MAX_SURGE_BITS * site_usage + 1e-6))
        return max(site.pow_min, min(site.pow_max, bits + reputation_bits + surge_bits))

    @staticmethod
    def adjust_score(score: float, reputation: float) -> tuple[float, tuple[str, ...]]:
        """Bad reputation lowers the model's score: halved at reputation 4."""
        if reputation < REPUTATION_REASON_AT:
            return score, ()
        return score * 0.5 ** (reputation / 4), ("reputation.bad",)
