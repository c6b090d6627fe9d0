"""A phone: a tap on the checkbox is judged by the touch channel, never by the mouse model.

Chromium fires pointer events for touches too (``pointerType: "touch"``). The pointer
model is trained on mouse movement, and a tap is a press and a release with no
movement before it, which is what a script's click looks like: read as a mouse, every
person on a phone was a bot.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright, expect

from scoring import ModelScorer, RequestContext, decode_signals, load_default_scorer
from tests.browser.conftest import (
    ServePage,
    capture_submits,
    launch_chromium,
    make_site,
    page_server,
    script_url,
    siteverify,
)
from tests.conftest import LiveServer

pytestmark = pytest.mark.browser

PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)


@pytest.fixture(scope="module")
def phone(pw: Playwright, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    ctx = launch_chromium(
        pw,
        tmp_path_factory.mktemp("chromium-phone"),
        viewport={"width": 412, "height": 860},
        device_scale_factor=2.625,
        is_mobile=True,
        has_touch=True,
        user_agent=PHONE_UA,
    )
    yield ctx
    ctx.close()


@pytest.fixture
def phone_page(phone: BrowserContext) -> Iterator[Page]:
    p = phone.new_page()
    yield p
    p.close()


@pytest.fixture
def serve_phone_page(phone_page: Page, shop: tuple[str, Any]) -> ServePage:
    return page_server(phone_page, shop)


@pytest.fixture(scope="module")
def shipped_scorer() -> ModelScorer:
    return load_default_scorer()


def finger_tap(page: Page, x: float, y: float, hold_s: float = 0.09) -> None:
    """A finger on the screen for ``hold_s``, as a person taps (CDP touch events)."""
    cdp = page.context.new_cdp_session(page)
    point = {"x": x, "y": y, "radiusX": 11, "radiusY": 11, "force": 0.6}
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [point]})
    time.sleep(hold_s)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def tap_checkbox(
    server: LiveServer, page: Page, serve_page: ServePage, *, instant: bool
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A form on a phone: the person taps the field, then the checkbox; returns
    (siteverify answer, the submit body)."""
    sitekey, secret = make_site(server, mode="checkbox")
    submits = capture_submits(page)
    serve_page(
        f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title>
<script src="{script_url(server)}" async defer></script></head><body><main>
<form id="f" style="margin: 40px 20px"><p><input id="name"></p>
<div class="palisade-captcha" data-sitekey="{sitekey}"></div></form></main></body></html>"""
    )
    box = page.locator("[role=checkbox]")
    expect(box).to_have_attribute("aria-checked", "false")
    for target in (page.locator("#name"), box):
        bounds = target.bounding_box()
        assert bounds is not None
        x, y = bounds["x"] + bounds["width"] / 2, bounds["y"] + bounds["height"] / 2
        if instant:
            page.touchscreen.tap(x, y)  # what automation does: start and end at once
        else:
            finger_tap(page, x, y)
        time.sleep(0.5)
    expect(box).to_have_attribute("aria-checked", "true", timeout=15_000)
    form_field = "new FormData(document.getElementById('f')).get('palisade-response')"
    token = str(page.evaluate(form_field))
    assert len(submits) == 1
    return siteverify(server, secret, token), submits[0]


def test_a_tap_is_scored_by_the_touch_channel_not_the_mouse_model(
    server: LiveServer,
    phone_page: Page,
    serve_phone_page: ServePage,
    shipped_scorer: ModelScorer,
) -> None:
    answer, submit = tap_checkbox(server, phone_page, serve_phone_page, instant=False)
    assert answer["success"] is True, answer
    signals = submit["signals"]
    # The taps are in the touch section, with their holds; the pointer section (the
    # mouse's) has nothing of them.
    touch_kinds = [e[3] for e in signals["touch"]]
    assert touch_kinds.count(1) == 2 and touch_kinds.count(2) == 2, signals["touch"]
    assert not signals.get("pointer"), signals.get("pointer")
    assert "pointer.model" not in answer["score_reason"], answer
    result = shipped_scorer.score(decode_signals(json.dumps(signals)), RequestContext())
    assert result.channels["pointer"] is None, result
    touch = result.channels["touch"]
    assert touch is not None and touch >= 0.5, result
    assert "behaviour.missing" not in result.reasons


def test_an_instant_tap_is_flagged_by_the_touch_channel(
    server: LiveServer,
    phone_page: Page,
    serve_phone_page: ServePage,
    shipped_scorer: ModelScorer,
) -> None:
    answer, submit = tap_checkbox(server, phone_page, serve_phone_page, instant=True)
    assert answer["success"] is True, answer
    assert "touch.instant_tap" in answer["score_reason"], answer
    result = shipped_scorer.score(decode_signals(json.dumps(submit["signals"])), RequestContext())
    assert result.channels["pointer"] is None, result
    touch = result.channels["touch"]
    assert touch is not None and touch < 0.5, result


def test_touches_dispatched_to_a_desktop_browser_are_flagged(
    server: LiveServer, page: Page, serve_page: ServePage, shipped_scorer: ModelScorer
) -> None:
    """Automation can send touch events (CDP) to a browser with no touch screen
    (``navigator.maxTouchPoints`` 0): no person's browser does that, whatever the taps
    look like."""
    answer, submit = tap_checkbox(server, page, serve_page, instant=False)
    assert answer["success"] is True, answer
    signals = submit["signals"]
    assert signals["env"]["touch_points"] == 0
    assert "touch.no_touchscreen" in answer["score_reason"], answer
    result = shipped_scorer.score(decode_signals(json.dumps(signals)), RequestContext())
    touch = result.channels["touch"]
    assert touch is not None and touch < 0.5, result
