"""Decision events: every challenge, submit and siteverify outcome, for analytics.

Handlers call ``services.events.emit(event)``; it must never block or fail the
request. The sink behind it (aggregation in Redis or memory, a raw stream) is
pluggable; :class:`NullSink` drops everything.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from typing import Literal, Protocol

import msgspec

__all__ = ["DecisionEvent", "EventSink", "NullSink", "SubnetHasher", "subnet_of"]

EventKind = Literal["challenge", "submit", "siteverify"]


class DecisionEvent(msgspec.Struct, frozen=True, kw_only=True):
    """One decision. ``outcome`` values per kind:

    * challenge: ``issued``, ``refused``
    * submit: ``passed``, ``escalated``, ``refused``
    * siteverify: ``ok`` or the first error code (``invalid-input-response``, ...)
    """

    kind: EventKind
    sitekey: str
    ts: float
    outcome: str
    reasons: tuple[str, ...] = ()
    score: float | None = None
    model: str | None = None
    # Keyed hash of the client's /24 (IPv4) or /64 (IPv6): never the raw IP.
    subnet: str | None = None
    fingerprint: str | None = None
    mode: str | None = None
    action: str = ""


class EventSink(Protocol):
    def emit(self, event: DecisionEvent) -> None:
        """Record an event without blocking; errors are the sink's own business."""
        ...


class NullSink:
    def emit(self, event: DecisionEvent) -> None:
        return None


def subnet_of(ip: str) -> str:
    """The client's /24 (IPv4) or /64 (IPv6) network, as text."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return "invalid"
    prefix = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


class SubnetHasher:
    """Keyed hashes of client subnets, stable across workers sharing the key ring."""

    def __init__(self, key: bytes) -> None:
        self._key = key
        self._cache: dict[str, str] = {}

    def __call__(self, ip: str) -> str:
        subnet = subnet_of(ip)
        hashed = self._cache.get(subnet)
        if hashed is None:
            if len(self._cache) > 50_000:
                self._cache.clear()
            digest = hmac.new(self._key, subnet.encode(), hashlib.sha256).hexdigest()[:16]
            hashed = self._cache[subnet] = digest
        return hashed
