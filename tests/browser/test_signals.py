"""What the environment sources and detectors see in real Chromium, patched and not."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import ServePage, js_await, script_url
from tests.conftest import LiveServer

pytestmark = pytest.mark.browser

# What a "stealth" plugin does: hide webdriver on the instance, fake the CPU count in the
# window (not the worker), and a chromedriver leftover.
STEALTH = """
Object.defineProperty(navigator, 'webdriver', {get: () => false});
Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', {get: function () {
  return 16;
}});
window.cdc_adoQpoasnfa76pfcZLmcfl_Array = [];
"""


def diagnostics(page: Page, serve_page: ServePage, server: LiveServer) -> Any:
    serve_page(f'<!doctype html><title>x</title><script src="{script_url(server)}"></script>')
    return js_await(page, "() => palisade.diagnostics()")


def test_plain_automated_chromium(server: LiveServer, page: Page, serve_page: ServePage) -> None:
    out = diagnostics(page, serve_page, server)
    env = out["env"]
    assert env["webdriver"] is True
    assert "env.webdriver" in out["reasons"]
    assert env["tampered"] == [] and env["automation_globals"] == []
    assert env["worker_user_agent"] == env["user_agent"]
    assert env["worker_hardware_concurrency"] == env["hardware_concurrency"]
    assert env.get("errors", []) == []
    assert len(env["screen"]) == 5 and len(env["window"]) == 4
    assert env["notification_permission"] in {"default", "denied", "granted"}


def test_stealth_patches_are_visible(server: LiveServer, page: Page, serve_page: ServePage) -> None:
    page.add_init_script(STEALTH)
    out = diagnostics(page, serve_page, server)
    env = out["env"]
    assert env["webdriver"] is False  # the lie itself works...
    assert "navigator.webdriver" in env["tampered"]  # ...but shows
    assert "Navigator.hardwareConcurrency" in env["tampered"]
    assert env["hardware_concurrency"] == 16 != env["worker_hardware_concurrency"]
    assert "cdc_adoQpoasnfa76pfcZLmcfl_Array" in env["automation_globals"]
    assert {"env.tampered", "env.worker_mismatch", "env.automation_globals"} <= set(out["reasons"])
