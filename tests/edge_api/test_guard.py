"""The guard's keyed hashes: the environment fingerprint."""

from __future__ import annotations

import hmac

import msgspec

from edge_api.guard import Guard
from edge_api.settings import Settings
from edge_api.store import MemoryStore
from scoring.schema import Environment, Signals

KEY = b"fingerprint-key"


def guard(key: bytes = KEY) -> Guard:
    return Guard(Settings(), MemoryStore(), key)


def signals(**env: object) -> Signals:
    return Signals(env=msgspec.convert(env, Environment))


CHROME = {
    "user_agent": "Mozilla/5.0 Chrome/131.0",
    "webgl_renderer": "ANGLE (Intel)",
    "timezone": "Europe/Berlin",
    "screen": [1920, 1080, 1920, 1040, 24],
    "languages": ["de-DE", "en"],
    "hardware_concurrency": 8,
    "device_memory": 8.0,
}


def test_fingerprint_is_the_keyed_hash_of_the_stable_values() -> None:
    parts = ("Mozilla/5.0 Chrome/131.0", "ANGLE (Intel)", "Europe/Berlin")
    parts += ((1920, 1080, 1920, 1040, 24), ("de-DE", "en"), 8, 8.0)
    expected = hmac.digest(KEY, repr(parts).encode(), "sha256").hex()[:16]
    g = guard()
    assert g.fingerprint(signals(**CHROME)) == expected
    assert g.fingerprint(signals(**CHROME)) == expected  # the second from the cache


def test_fingerprint_follows_every_value_and_the_key() -> None:
    g = guard()
    seen = {g.fingerprint(signals(**CHROME))}
    for name, other in [("timezone", "UTC"), ("screen", [1280, 720, 1280, 680, 24])]:
        seen.add(g.fingerprint(signals(**{**CHROME, name: other})))
    seen.add(guard(b"another key").fingerprint(signals(**CHROME)))
    assert len(seen) == 4
    # Values that do not identify a device leave it unchanged.
    assert g.fingerprint(signals(**CHROME, webdriver=False)) == g.fingerprint(signals(**CHROME))


def test_no_fingerprint_without_stable_values() -> None:
    g = guard()
    assert g.fingerprint(None) is None
    assert g.fingerprint(Signals()) is None
    assert g.fingerprint(signals(webdriver=False)) is None
