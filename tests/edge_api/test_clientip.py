"""Forwarding headers count only when the peer is a trusted proxy."""

from __future__ import annotations

import ipaddress

from starlette.types import Scope

from edge_api.clientip import client_ip

TRUSTED = (ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("2001:db8::/32"))


def scope(peer: str, *headers: tuple[str, str]) -> Scope:
    return {
        "type": "http",
        "client": (peer, 1234),
        "headers": [(k.encode(), v.encode()) for k, v in headers],
    }


def test_untrusted_peer_headers_are_ignored() -> None:
    forged = scope("203.0.113.5", ("x-forwarded-for", "1.2.3.4"), ("cf-connecting-ip", "1.2.3.4"))
    assert client_ip(forged, TRUSTED) == "203.0.113.5"
    assert client_ip(forged, ()) == "203.0.113.5"


def test_cdn_single_value_headers() -> None:
    assert (
        client_ip(scope("10.1.1.1", ("cf-connecting-ip", "198.51.100.9")), TRUSTED)
        == "198.51.100.9"
    )
    assert client_ip(scope("10.1.1.1", ("true-client-ip", "2001:db9::1")), TRUSTED) == "2001:db9::1"


def test_forwarded_for_takes_the_first_untrusted_hop_from_the_right() -> None:
    chain = scope("10.0.0.2", ("x-forwarded-for", "6.6.6.6, 198.51.100.1, 10.0.0.9"))
    assert client_ip(chain, TRUSTED) == "198.51.100.1"
    all_trusted = scope("10.0.0.2", ("x-forwarded-for", "10.0.0.7, 10.0.0.9"))
    assert client_ip(all_trusted, TRUSTED) == "10.0.0.7"
    garbage = scope("10.0.0.2", ("x-forwarded-for", "not-an-ip"))
    assert client_ip(garbage, TRUSTED) == "10.0.0.2"
