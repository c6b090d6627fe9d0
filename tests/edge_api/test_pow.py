"""The PoW scheme exactly as docs/pow.md specifies it."""

from __future__ import annotations

import hashlib

from edge_api.keys import KeyRing
from edge_api.pow import ChallengeIssuer, leading_zero_bits, solve


def issuer(spec: str | None = None) -> ChallengeIssuer:
    return ChallengeIssuer(KeyRing.parse(spec or KeyRing.generate_spec()), lifetime=120)


def test_leading_zero_bits() -> None:
    assert leading_zero_bits(b"\x00" * 32) == 256
    assert leading_zero_bits(b"\x80" + b"\x00" * 31) == 0
    assert leading_zero_bits(b"\x00\x01" + b"\xff" * 30) == 15
    assert leading_zero_bits(b"\x0f" + b"\xff" * 31) == 4


def test_solution_matches_the_documented_hash_input() -> None:
    solution = solve("abc", 3, 8)
    for index, nonce in enumerate(solution):
        digest = hashlib.sha256(f"abc:{index}:{nonce}".encode("ascii")).digest()
        assert digest[0] == 0
    # The smallest nonce is found: nothing below it satisfies the condition.
    for index, nonce in enumerate(solution):
        for smaller in range(nonce):
            digest = hashlib.sha256(f"abc:{index}:{smaller}".encode()).digest()
            assert leading_zero_bits(digest) < 8


def test_check_reasons() -> None:
    pow_issuer = issuer()
    text, claims = pow_issuer.issue(sitekey="s", hostname="h", difficulty=6, now=1000)
    assert claims.exp == 1120
    assert claims.k == 16
    good = solve(claims.id, claims.k, claims.d)
    assert pow_issuer.check(text, good, now=1000).ok
    assert pow_issuer.check(text, good, now=1120).reason == "expired"
    assert pow_issuer.check(text, good[:-1], now=1000).reason == "malformed_solution"
    assert pow_issuer.check(text, [*good[:-1], 2**53], now=1000).reason == "malformed_solution"
    bad = list(good)
    bad[5] = next(
        n
        for n in range(10**6)
        if leading_zero_bits(hashlib.sha256(f"{claims.id}:5:{n}".encode()).digest()) < 6
    )
    assert pow_issuer.check(text, bad, now=1000).reason == "wrong_solution"
    head, mac = text.rsplit(".", 1)
    assert pow_issuer.check(head + "." + mac[::-1], good, now=1000).reason == "bad_signature"
    assert pow_issuer.check("c1.zz.e30.AAAA", good, now=1000).reason == "unknown_key"
    assert pow_issuer.check("nonsense", good, now=1000).reason == "malformed"
    other = issuer()
    assert other.check(text, good, now=1000).reason == "bad_signature"  # same kid, other key


def test_difficulty_is_honoured() -> None:
    pow_issuer = issuer()
    text, claims = pow_issuer.issue(sitekey="s", hostname="h", difficulty=10, now=0)
    easy = solve(claims.id, claims.k, 2)
    # Solutions for 2 bits fail a 10-bit challenge unless they happen to have 10 bits.
    lucky = all(
        leading_zero_bits(hashlib.sha256(f"{claims.id}:{i}:{n}".encode()).digest()) >= 10
        for i, n in enumerate(easy)
    )
    assert pow_issuer.check(text, easy, now=0).ok is lucky


def test_check_accepts_exactly_the_digests_with_enough_zero_bits() -> None:
    """The checker compares digests with a bound; it must agree with the bit count."""
    pow_issuer = issuer()
    for difficulty in (0, 1, 2, 3, 4, 8):
        text, claims = pow_issuer.issue(sitekey="s", hostname="h", difficulty=difficulty, now=0)
        rest = solve(claims.id, claims.k, claims.d)[1:]
        outcomes = set()
        # Sub-puzzle 0 tried with every nonce in a range, the others solved.
        for nonce in range(64):
            digest = hashlib.sha256(f"{claims.id}:0:{nonce}".encode()).digest()
            expected = leading_zero_bits(digest) >= difficulty
            assert pow_issuer.check(text, [nonce, *rest], now=0).ok is expected
            outcomes.add(expected)
        if difficulty in (1, 2, 3):
            assert outcomes == {True, False}  # both sides of the bound were seen
