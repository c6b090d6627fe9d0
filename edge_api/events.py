"""Decision events: every challenge, submit and siteverify outcome, for analytics.

Handlers call ``services.events.emit(event)``; it must never block or fail the
request. The sink behind it (aggregation in Redis or memory, a raw stream) is
pluggable; :class:`NullSink` drops everything.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Literal, Protocol

import msgspec

from edge_api._signing import mac

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


_V4_MAPPED = bytes(10) + b"\xff\xff"


def subnet_of(ip: str) -> str:
    """The client's /24 (IPv4) or /64 (IPv6) network, as text (as ``ipaddress`` writes it)."""
    # inet_pton instead of ipaddress objects: this runs on every widget request.
    try:
        packed = socket.inet_pton(socket.AF_INET, ip)
        return f"{packed[0]}.{packed[1]}.{packed[2]}.0/24"
    except (OSError, ValueError):  # ValueError: an embedded NUL
        pass
    try:
        # A zone ("fe80::1%eth0") names the interface, not the network.
        packed = socket.inet_pton(socket.AF_INET6, ip.partition("%")[0])
    except (OSError, ValueError):  # ValueError: an embedded NUL
        return "invalid"
    if packed[:12] == _V4_MAPPED:
        # ipaddress writes these networks in their IPv6 form too.
        return str(ipaddress.ip_network((packed[:8] + bytes(8), 64)))
    return socket.inet_ntop(socket.AF_INET6, packed[:8] + bytes(8)) + "/64"


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
            digest = mac(self._key, subnet.encode()).hex()[:16]
            hashed = self._cache[subnet] = digest
        return hashed
