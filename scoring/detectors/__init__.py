"""Environment detectors: one pure function per module, in a plain registry.

Each takes the widget's raw environment values and the request context and
returns a :class:`Detection`. Missing input gives ``unknown``, never ``bot``.
"""

from __future__ import annotations

from typing import Final

from scoring.detectors import (
    accept_language,
    automation_globals,
    cdp,
    hardware_concurrency,
    headless_ua,
    notification_permission,
    plugins,
    screen_window,
    software_renderer,
    tampered_natives,
    ua_consistency,
    ua_header,
    webdriver,
)
from scoring.detectors._base import Detection, Detector, Verdict
from scoring.result import RequestContext
from scoring.schema import Environment

__all__ = ["DETECTORS", "Detection", "Detector", "Verdict", "run_detectors"]

DETECTORS: Final[dict[str, Detector]] = {
    "webdriver": webdriver.detect,
    "automation_globals": automation_globals.detect,
    "cdp": cdp.detect,
    "tampered_natives": tampered_natives.detect,
    "software_renderer": software_renderer.detect,
    "ua_consistency": ua_consistency.detect,
    "ua_header": ua_header.detect,
    "accept_language": accept_language.detect,
    "plugins": plugins.detect,
    "screen_window": screen_window.detect,
    "hardware_concurrency": hardware_concurrency.detect,
    "notification_permission": notification_permission.detect,
    "headless_ua": headless_ua.detect,
}


def run_detectors(env: Environment | None, ctx: RequestContext) -> dict[str, Detection]:
    """Every registered detector's answer, by name."""
    return {name: fn(env, ctx) for name, fn in DETECTORS.items()}
