"""Accessibility audit (axe-core inside the page) and screenshots of every look."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import (
    ARTIFACTS,
    ServePage,
    js_await,
    make_site,
    script_url,
)
from tests.conftest import REPO, LiveServer

pytestmark = pytest.mark.browser

AXE = REPO / "sdk_js" / "node_modules" / "axe-core" / "axe.min.js"

LOOKS = [
    ("light", "normal"),
    ("dark", "normal"),
    ("light", "compact"),
    ("dark", "compact"),
    ("auto", "flexible"),  # follows prefers-color-scheme
]


def gallery(server: LiveServer, sitekey: str, lang: str = "en") -> str:
    cells = "".join(
        f'<div class="cell" data-look="{theme}-{size}"><div class="palisade-captcha"'
        f' data-sitekey="{sitekey}" data-theme="{theme}" data-size="{size}"'
        f' data-language="{lang}"></div></div>'
        for theme, size in LOOKS
    )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Widgets</title>
<script src="{script_url(server)}" async></script></head>
<body><main><h1>Widget gallery</h1><form id="f">{cells}</form></main></body></html>"""


def audit(page: Page) -> list[dict[str, Any]]:
    if not AXE.exists():
        pytest.fail("axe-core missing: run npm ci in sdk_js")
    page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = js_await(
        page, "() => axe.run(document, {resultTypes: ['violations']})"
    )
    return [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]} for v in result["violations"]
    ]


def shoot(page: Page, state: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for theme, size in LOOKS:
        page.locator(f'[data-look="{theme}-{size}"] palisade-widget').screenshot(
            path=str(ARTIFACTS / f"widget-{theme}-{size}-{state}.png"), animations="disabled"
        )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations_and_screenshots(
    server: LiveServer, page: Page, serve_page: ServePage, scheme: str
) -> None:
    page.emulate_media(
        color_scheme="dark" if scheme == "dark" else "light", reduced_motion="reduce"
    )
    sitekey, _ = make_site(server, mode="checkbox")
    serve_page(gallery(server, sitekey))
    boxes = page.locator("[role=checkbox]")
    expect(boxes).to_have_count(len(LOOKS))
    for i in range(len(LOOKS)):
        expect(boxes.nth(i)).to_have_attribute("aria-busy", "false")
    assert audit(page) == []
    if scheme == "light":
        shoot(page, "idle")
    # Hold the submits to see (and audit) the verifying state.
    held: list[Route] = []
    page.route("**/v1/submit", lambda route: held.append(route))
    for i in range(len(LOOKS)):
        boxes.nth(i).click()
    expect(page.locator("[aria-busy=true]")).to_have_count(len(LOOKS))
    assert audit(page) == []
    if scheme == "light":
        shoot(page, "verifying")
    for route in held:
        route.continue_()
    for i in range(len(LOOKS)):
        expect(boxes.nth(i)).to_have_attribute("aria-checked", "true")
    assert audit(page) == []
    shoot(page, f"success-{scheme}-scheme")


def test_languages_and_rtl(server: LiveServer, page: Page, serve_page: ServePage) -> None:
    sitekey, _ = make_site(server, mode="checkbox")
    serve_page(gallery(server, sitekey, lang="ar"))
    expect(page.locator(".l").first).to_have_text("أنا إنسان")
    assert page.locator(".w").first.get_attribute("dir") == "rtl"
    assert audit(page) == []
    shoot(page, "arabic")


def test_the_audit_can_fail(page: Page, serve_page: ServePage) -> None:
    # Guards the assertions above: an unnamed checkbox and poor contrast are reported.
    serve_page(
        '<!doctype html><html lang="en"><head><title>Bad</title></head><body><main>'
        '<div role="checkbox" aria-checked="false" tabindex="0"></div>'
        '<p style="color:#bbb;background:#fff">low contrast</p></main></body></html>'
    )
    ids = {v["id"] for v in audit(page)}
    assert {"aria-toggle-field-name", "color-contrast"} <= ids
