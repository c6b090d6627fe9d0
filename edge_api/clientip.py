"""The client's IP address, believing forwarding headers only from trusted proxies."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from starlette.types import Scope

from edge_api.settings import IPNetwork

__all__ = ["client_ip"]

# Single-value headers set by CDNs that overwrite what the client sent.
_SINGLE_HEADERS = (b"cf-connecting-ip", b"true-client-ip")


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(address: str, trusted: Sequence[IPNetwork]) -> bool:
    parsed = _parse(address)
    return parsed is not None and any(parsed in network for network in trusted)


def client_ip(scope: Scope, trusted: Sequence[IPNetwork]) -> str:
    """The peer address, or what a trusted proxy says the client's address is.

    ``X-Forwarded-For`` is read right to left, skipping trusted hops: the first
    untrusted address is the client (anything left of it may be forged).
    """
    peer = scope.get("client")
    peer_ip = peer[0] if peer else "0.0.0.0"  # no peer: ASGI test transport
    if not trusted or not _trusted(peer_ip, trusted):
        return peer_ip
    headers = dict(scope["headers"])
    for name in _SINGLE_HEADERS:
        value = headers.get(name)
        if value:
            parsed = _parse(value.decode("latin-1"))
            if parsed is not None:
                return str(parsed)
    forwarded = [v for k, v in scope["headers"] if k == b"x-forwarded-for"]
    if forwarded:
        hops = [h.strip() for v in forwarded for h in v.decode("latin-1").split(",")]
        leftmost = None
        for hop in reversed(hops):
            parsed = _parse(hop)
            if parsed is None:
                break
            if not any(parsed in network for network in trusted):
                return str(parsed)
            leftmost = parsed
        if leftmost is not None:
            return str(leftmost)  # every hop is a trusted proxy: the first one is the client
    return peer_ip
