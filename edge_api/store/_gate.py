"""What one request asks of the store in a single call, and what it gets back.

A gate call checks every rate limit of the request (GCRA), takes the single-use
claim (a challenge id), and reads and updates the reputations involved, atomically.
Redis runs it as one Lua script (``gate.lua``); the memory store runs the same
algorithm in Python, so both give the same answers.
"""

from __future__ import annotations

import math
from typing import Literal

import msgspec

__all__ = ["GateRequest", "GateResult", "LimitSpec", "ReputationDeltas", "decay"]


# Value objects of the request path are frozen msgspec Structs, not dataclasses: a frozen
# dataclass's __init__ sets each field through object.__setattr__ (about 1.7 us for a
# GateRequest against 0.15), and a request makes several of them.


class LimitSpec(msgspec.Struct, frozen=True):
    """One GCRA limit: ``rate`` requests per second sustained, ``burst`` at once."""

    name: str
    key: str
    rate: float
    burst: int


class ReputationDeltas(msgspec.Struct, frozen=True):
    """How much each outcome adds to the reputations (higher = worse)."""

    ok: float = 0.0
    limited: float = 0.5
    replay: float = 3.0

    def of(self, status: str) -> float:
        """The change for a gate outcome (``allowed``, ``limited`` or ``replay``)."""
        if status == "allowed":
            return self.ok
        return self.limited if status == "limited" else self.replay


class GateRequest(msgspec.Struct, frozen=True):
    now: float
    limits: tuple[LimitSpec, ...] = ()
    claim_key: str | None = None
    claim_ttl: float = 0.0
    claim_value: bytes = b"1"
    reputation_keys: tuple[str, ...] = ()
    deltas: ReputationDeltas = msgspec.field(default_factory=ReputationDeltas)
    half_life: float = 3600.0
    reputation_ttl: float = 7 * 86400.0
    # False: the caller wants no reputations back (the result has none), so a store
    # need not read those that this outcome leaves unchanged. In a cluster that saves a
    # whole script call when they live in a slot of their own (a siteverify's client).
    read_reputation: bool = True


class GateResult(msgspec.Struct, frozen=True):
    status: Literal["allowed", "limited", "replay"]
    # Name of the first limit exceeded, and when to retry (seconds).
    limited: str | None = None
    retry_after: float = 0.0
    # Per limit, the share of its burst in use before this request (0..1).
    usage: tuple[float, ...] = ()
    # Reputations after this request's update, in the order of the request's keys
    # (none when the request had ``read_reputation=False``).
    reputation: tuple[float, ...] = ()
    # For a replay: the value the first claimant stored.
    claimed_by: bytes | None = None


def decay(score: float, elapsed: float, half_life: float) -> float:
    """Exponential decay: a score halves every ``half_life`` seconds."""
    if elapsed <= 0:
        return score
    return score * math.pow(0.5, elapsed / half_life)
