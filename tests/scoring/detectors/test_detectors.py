"""Each detector on crafted environments; missing input is never a bot."""

from __future__ import annotations

from typing import Any

import pytest

from scoring.detectors import DETECTORS, Verdict, run_detectors
from scoring.result import RequestContext
from scoring.schema import Environment, UserAgentData

CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
HEADLESS = CHROME.replace("Chrome/", "HeadlessChrome/")
DESKTOP = UserAgentData(brands=["Chromium", "Google Chrome"], mobile=False, platform="Linux")

# A consistent, ordinary desktop Chrome.
HUMAN: dict[str, Any] = {
    "webdriver": False,
    "automation_globals": [],
    "cdp": False,
    "tampered": [],
    "webgl_vendor": "Google Inc. (Intel)",
    "webgl_renderer": "ANGLE (Intel, Mesa Intel(R) UHD Graphics 620, OpenGL 4.6)",
    "user_agent": CHROME,
    "worker_user_agent": CHROME,
    "ua_data": DESKTOP,
    "languages": ["de-DE", "de", "en"],
    "worker_languages": ["de-DE", "de", "en"],
    "plugins": 5,
    "mime_types": 2,
    "screen": (1920, 1080, 1920, 1050, 24),
    "window": (1280, 900, 1296, 1000),
    "hardware_concurrency": 8,
    "worker_hardware_concurrency": 8,
    "notification_permission": "default",
    "permissions_query": "prompt",
}
CTX = RequestContext(user_agent=CHROME, accept_language="de-DE,de;q=0.9,en;q=0.8")


def env(**changes: Any) -> Environment:
    return Environment(**{**HUMAN, **changes})


def verdict(name: str, e: Environment | None, ctx: RequestContext = CTX) -> Verdict:
    d = DETECTORS[name](e, ctx)
    assert d.reason == f"env.{name}"
    return d.verdict


def test_ordinary_browser_is_ok_everywhere() -> None:
    results = run_detectors(env(), CTX)
    assert set(results) == set(DETECTORS)
    assert {n: d.verdict for n, d in results.items()} == {n: Verdict.OK for n in DETECTORS}


@pytest.mark.parametrize("name", sorted(DETECTORS))
def test_no_environment_is_unknown_not_bot(name: str) -> None:
    assert verdict(name, None, RequestContext()) is Verdict.UNKNOWN
    assert verdict(name, Environment(), RequestContext()) is Verdict.UNKNOWN


@pytest.mark.parametrize(
    ("name", "changes", "ctx", "expected"),
    [
        ("webdriver", {"webdriver": True}, CTX, Verdict.BOT),
        (
            "automation_globals",
            {"automation_globals": ["cdc_adoQpoasnfa76pfcZLmcfl_Array"]},
            CTX,
            Verdict.BOT,
        ),
        ("cdp", {"cdp": True}, CTX, Verdict.SUSPICIOUS),
        (
            "tampered_natives",
            {"tampered": ["Function.prototype.toString"]},
            CTX,
            Verdict.SUSPICIOUS,
        ),
        # A timezone spoofer (with a VPN) and a canvas defender: privacy, not a bot.
        (
            "tampered_natives",
            {
                "tampered": [
                    "Date.getTimezoneOffset",
                    "Intl.DateTimeFormat.resolvedOptions",
                    "HTMLCanvasElement.toDataURL",
                ]
            },
            CTX,
            Verdict.SUSPICIOUS,
        ),
        # Hiding automation is a stealth kit's.
        ("tampered_natives", {"tampered": ["navigator.webdriver"]}, CTX, Verdict.BOT),
        ("tampered_natives", {"tampered": ["Permissions.query", "a"]}, CTX, Verdict.BOT),
        ("software_renderer", {"webgl_renderer": "Google SwiftShader"}, CTX, Verdict.SUSPICIOUS),
        (
            "software_renderer",
            {"webgl_renderer": "llvmpipe (LLVM 15.0.7, 256 bits)"},
            CTX,
            Verdict.SUSPICIOUS,
        ),
        ("software_renderer", {"webgl_renderer": "Mesa OffScreen"}, CTX, Verdict.SUSPICIOUS),
        ("ua_consistency", {"worker_user_agent": CHROME.replace("131", "120")}, CTX, Verdict.BOT),
        (
            "ua_consistency",
            {
                "user_agent": FIREFOX,
                "worker_user_agent": None,
            },
            CTX,
            Verdict.BOT,
        ),
        (
            "ua_consistency",
            {"ua_data": UserAgentData(brands=["HeadlessChrome"], mobile=False, platform="Linux")},
            CTX,
            Verdict.BOT,
        ),
        (
            "ua_consistency",
            {"ua_data": UserAgentData(brands=["Chromium"], mobile=False, platform="Windows")},
            CTX,
            Verdict.SUSPICIOUS,
        ),
        (
            "ua_consistency",
            {"ua_data": UserAgentData(brands=["Chromium"], mobile=True, platform="Linux")},
            CTX,
            Verdict.SUSPICIOUS,
        ),
        ("ua_header", {}, RequestContext(user_agent="python-requests/2.32"), Verdict.BOT),
        ("ua_header", {}, RequestContext(user_agent=None), Verdict.UNKNOWN),
        (
            "accept_language",
            {},
            RequestContext(accept_language="en-US,en;q=0.9"),
            Verdict.SUSPICIOUS,
        ),
        ("accept_language", {}, RequestContext(accept_language="de"), Verdict.OK),
        ("accept_language", {}, RequestContext(accept_language=None), Verdict.UNKNOWN),
        ("accept_language", {"languages": []}, CTX, Verdict.BOT),
        ("accept_language", {"worker_languages": ["en-US"]}, CTX, Verdict.SUSPICIOUS),
        ("plugins", {"plugins": 5, "mime_types": 0}, CTX, Verdict.SUSPICIOUS),
        ("plugins", {"plugins": 0, "mime_types": 0}, CTX, Verdict.SUSPICIOUS),
        (
            "plugins",
            {"plugins": 0, "mime_types": 0, "ua_data": UserAgentData(mobile=True)},
            CTX,
            Verdict.OK,
        ),
        # A background tab's or an in-app browser's outer window is 0 x 0 too.
        ("screen_window", {"window": (800, 600, 0, 0)}, CTX, Verdict.SUSPICIOUS),
        ("screen_window", {"screen": (0, 0, 0, 0, 24)}, CTX, Verdict.BOT),
        ("screen_window", {"screen": (1920, 1080, 2000, 1080, 24)}, CTX, Verdict.SUSPICIOUS),
        ("screen_window", {"window": (4000, 3000, 4000, 3000)}, CTX, Verdict.SUSPICIOUS),
        ("hardware_concurrency", {"worker_hardware_concurrency": 4}, CTX, Verdict.BOT),
        # A privacy protection's lower count in the page only (Brave on iOS).
        ("hardware_concurrency", {"worker_hardware_concurrency": 12}, CTX, Verdict.SUSPICIOUS),
        ("hardware_concurrency", {"hardware_concurrency": 0}, CTX, Verdict.SUSPICIOUS),
        ("hardware_concurrency", {"worker_hardware_concurrency": None}, CTX, Verdict.OK),
        # Old headless Chrome, and Safari 16's private browsing too.
        (
            "notification_permission",
            {"notification_permission": "denied", "permissions_query": "prompt"},
            CTX,
            Verdict.SUSPICIOUS,
        ),
        (
            "notification_permission",
            {"notification_permission": "granted", "permissions_query": "denied"},
            CTX,
            Verdict.SUSPICIOUS,
        ),
        ("notification_permission", {"permissions_query": None}, CTX, Verdict.UNKNOWN),
        (
            "headless_ua",
            {"user_agent": HEADLESS, "worker_user_agent": HEADLESS},
            RequestContext(user_agent=HEADLESS),
            Verdict.BOT,
        ),
        ("headless_ua", {}, RequestContext(user_agent="curl/8.5.0"), Verdict.BOT),
    ],
)
def test_crafted_environments(
    name: str, changes: dict[str, Any], ctx: RequestContext, expected: Verdict
) -> None:
    assert verdict(name, env(**changes), ctx) is expected


def test_header_only_detector_runs_without_environment() -> None:
    assert verdict("headless_ua", None, RequestContext(user_agent="curl/8.5.0")) is Verdict.BOT
    assert verdict("headless_ua", None, RequestContext(user_agent=CHROME)) is Verdict.OK


def test_long_headers_are_read_but_not_kept() -> None:
    """The header values are cached up to a browser's size; longer ones are still read."""
    from scoring.detectors import accept_language, headless_ua

    padding = " x" * 2000
    long_bot = RequestContext(user_agent=CHROME + padding + " HeadlessChrome/131")
    before = headless_ua._names_marker.cache_info().currsize
    assert verdict("headless_ua", None, long_bot) is Verdict.BOT
    assert verdict("headless_ua", None, RequestContext(user_agent=CHROME + padding)) is Verdict.OK
    assert headless_ua._names_marker.cache_info().currsize == before
    assert verdict("headless_ua", None, RequestContext(user_agent="wget/1.21")) is Verdict.BOT
    assert headless_ua._names_marker.cache_info().currsize == before + 1

    long_header = "fr-FR," + ",".join(f"x{i};q=0.1" for i in range(400))
    assert len(long_header) > accept_language.CACHED_LENGTH
    languages_before = accept_language._cached_languages.cache_info().currsize
    ctx = RequestContext(accept_language=long_header)
    assert (
        verdict("accept_language", env(languages=["fr"], worker_languages=["fr"]), ctx)
        is Verdict.OK
    )
    assert (
        verdict("accept_language", env(languages=["de"], worker_languages=["de"]), ctx)
        is Verdict.SUSPICIOUS
    )
    assert accept_language._cached_languages.cache_info().currsize == languages_before
