"""Envelope encoding: our base64url reader accepts exactly what the library's does."""

from __future__ import annotations

import base64
import binascii
import hmac
import random

import pytest

from edge_api._signing import b64decode, b64encode, mac, open_envelope, seal


def _library(text: str) -> bytes | str:
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        return "ValueError"


def _ours(text: str) -> bytes | str:
    try:
        return b64decode(text)
    except ValueError:
        return "ValueError"


def test_round_trip() -> None:
    rng = random.Random(3)
    for size in range(70):
        data = rng.randbytes(size)
        assert b64decode(b64encode(data)) == data


@pytest.mark.parametrize(
    "text", ["", "a", "ab", "abc", "ab==", "a===", "====", "=ab", "ab=c", "a b", "ab\n", "é", "+/"]
)
def test_odd_texts_read_as_the_library_reads_them(text: str) -> None:
    assert _ours(text) == _library(text)


def test_random_texts_read_as_the_library_reads_them() -> None:
    rng = random.Random(11)
    alphabet = "AZaz09-_+/=. \n"
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert _ours(text) == _library(text), repr(text)


def test_envelope_refusals() -> None:
    keys = {"k1": b"key-one"}
    text = seal("p", "k1", keys["k1"], b"payload")
    assert open_envelope("p", keys, text) == ("", b"payload")
    prefix, kid, body, mac = text.split(".")
    assert open_envelope("p", keys, f"{prefix}.{kid}.{body}.{mac[:-2]}AA")[0] == "bad_signature"
    assert open_envelope("p", keys, f"{prefix}.k2.{body}.{mac}")[0] == "unknown_key"
    assert open_envelope("p", keys, f"{prefix}.{kid}.{body}!.{mac}")[0] == "malformed"
    assert open_envelope("q", keys, text)[0] == "malformed"


def test_mac_is_hmac_sha256() -> None:
    rng = random.Random(5)
    keys = [rng.randbytes(size) for size in (1, 16, 32, 64, 65, 200)]
    for _ in range(300):
        key, data = rng.choice(keys), rng.randbytes(rng.randint(0, 400))
        assert mac(key, data) == hmac.digest(key, data, "sha256")
