"""Token format, size bound and verification reasons."""

from __future__ import annotations

import pytest

import edge_api.tokens as tokens_module
from edge_api.keys import KeyRing
from edge_api.tokens import MAX_TOKEN_LENGTH, TokenService


def make(service: TokenService, **overrides: object) -> str:
    fields: dict[str, object] = dict(
        sitekey="pk_" + "s" * 22,
        hostname="a" * 253,
        action="a" * 32,
        cdata="c" * 255,
        score=0.123456,
        reasons=tuple(f"reason.code_{i}" for i in range(20)),
        lifetime=300,
        client_ip="2001:db8::1",
        model="m" * 16,
        now=1000.0,
    )
    fields.update(overrides)
    token, _ = service.issue(**fields)  # type: ignore[arg-type]
    return token


def test_worst_case_token_fits_2048_characters() -> None:
    token = make(TokenService(KeyRing.parse(KeyRing.generate_spec())))
    assert len(token) <= MAX_TOKEN_LENGTH


def test_claims_round_trip() -> None:
    service = TokenService(KeyRing.parse(KeyRing.generate_spec()))
    check = service.check(make(service, cdata="x"), now=1000)
    assert check.ok
    assert check.claims is not None
    assert check.claims.cdata == "x"
    assert check.claims.score == 0.123
    assert len(check.claims.reasons) == 8  # bounded
    assert check.claims.exp == 1300
    assert check.claims.ip_hash == service.ip_hash("2001:db8::1")
    assert check.claims.ip_hash != service.ip_hash("2001:db8::2")
    assert "2001" not in check.claims.ip_hash


def test_reasons() -> None:
    ring = KeyRing.parse(KeyRing.generate_spec())
    service = TokenService(ring)
    token = make(service)
    assert service.check(token, now=1299.9).ok
    assert service.check(token, now=1300).reason == "expired"
    assert service.check("x" * 3000, now=0).reason == "malformed"
    assert service.check("p1.k1.@@@.@@@", now=0).reason == "malformed"
    assert TokenService(KeyRing.parse(KeyRing.generate_spec())).check(token, now=0).reason == (
        "bad_signature"
    )
    renamed = TokenService(KeyRing.parse(KeyRing.generate_spec("k2")))
    assert renamed.check(token, now=0).reason == "unknown_key"


def test_token_and_challenge_keys_differ() -> None:
    """A token can never pass as a challenge or the reverse: keys are per purpose."""
    ring = KeyRing.parse(KeyRing.generate_spec())
    assert ring.derive("palisade/token/v1") != ring.derive("palisade/challenge/v1")


def test_ip_hash_is_keyed_stable_and_its_cache_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = KeyRing.generate_spec()
    first, second = TokenService(KeyRing.parse(spec)), TokenService(KeyRing.parse(spec))
    other = TokenService(KeyRing.parse(KeyRing.generate_spec()))
    assert first.ip_hash("203.0.113.7") == second.ip_hash("203.0.113.7")  # across workers
    assert first.ip_hash("203.0.113.7") != other.ip_hash("203.0.113.7")  # keyed
    assert first.ip_hash("203.0.113.7") != first.ip_hash("203.0.113.8")
    monkeypatch.setattr(tokens_module, "MAX_CACHED_IP_HASHES", 3)
    hashes = {f"198.51.100.{i}": first.ip_hash(f"198.51.100.{i}") for i in range(10)}
    assert len(first._ip_hashes) <= 3
    assert all(first.ip_hash(ip) == hashed for ip, hashed in hashes.items())
