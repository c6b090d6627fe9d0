"""The published test keys of hCaptcha and Cloudflare Turnstile, behaving as documented.

Customers' existing test suites use these; they keep passing after the switch.
They work on every Palisade deployment and need no site record (docs/testing.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "HCAPTCHA_TEST_SECRET",
    "HCAPTCHA_TEST_SITEKEY",
    "HCAPTCHA_TEST_TOKEN",
    "TEST_SECRETS",
    "TEST_SITEKEYS",
    "TEST_TOKENS",
    "TURNSTILE_DUMMY_TOKEN",
    "TestSecret",
    "TestSitekey",
]

HCAPTCHA_TEST_SITEKEY = "10000000-ffff-ffff-ffff-000000000001"
HCAPTCHA_TEST_SECRET = "0x0000000000000000000000000000000000000000"
HCAPTCHA_TEST_TOKEN = "10000000-aaaa-bbbb-cccc-000000000001"
TURNSTILE_DUMMY_TOKEN = "XXXX.DUMMY.TOKEN.XXXX"


@dataclass(frozen=True, slots=True)
class TestSitekey:
    """A sitekey whose widget outcome is fixed."""

    outcome: Literal["pass", "block", "interactive"]
    mode: Literal["managed", "invisible", "checkbox"]
    token: str


@dataclass(frozen=True, slots=True)
class TestSecret:
    """A secret whose siteverify answer is fixed.

    ``accepts`` is the one token accepted (hCaptcha), or ``None`` for any token
    (Turnstile's dummy secrets).
    """

    outcome: Literal["pass", "fail", "spent"]
    accepts: str | None


TEST_SITEKEYS: dict[str, TestSitekey] = {
    HCAPTCHA_TEST_SITEKEY: TestSitekey("pass", "checkbox", HCAPTCHA_TEST_TOKEN),
    "1x00000000000000000000AA": TestSitekey("pass", "managed", TURNSTILE_DUMMY_TOKEN),
    "2x00000000000000000000AB": TestSitekey("block", "managed", TURNSTILE_DUMMY_TOKEN),
    "1x00000000000000000000BB": TestSitekey("pass", "invisible", TURNSTILE_DUMMY_TOKEN),
    "2x00000000000000000000BB": TestSitekey("block", "invisible", TURNSTILE_DUMMY_TOKEN),
    "3x00000000000000000000FF": TestSitekey("interactive", "managed", TURNSTILE_DUMMY_TOKEN),
}

TEST_SECRETS: dict[str, TestSecret] = {
    HCAPTCHA_TEST_SECRET: TestSecret("pass", HCAPTCHA_TEST_TOKEN),
    "1x0000000000000000000000000000000AA": TestSecret("pass", None),
    "2x0000000000000000000000000000000AA": TestSecret("fail", None),
    "3x0000000000000000000000000000000AA": TestSecret("spent", None),
}

# Tokens that only test secrets accept; a real secret refuses them.
TEST_TOKENS = frozenset({HCAPTCHA_TEST_TOKEN, TURNSTILE_DUMMY_TOKEN})
