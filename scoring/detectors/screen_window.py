"""Screen vs window dimensions.

Old headless Chrome reports a zero screen (a bot) and a zero outer window. A zero
outer window is only suspicious: real browsers report it too (Chrome for a tab opened
in the background until it is shown, WebKit views whose app does not give WebKit its
window frame, as in-app browsers), and a managed widget submits from a background tab.
An available area larger than the screen or a window far larger than its screen is
forged.
"""

from __future__ import annotations

from scoring.detectors._base import Detection, Verdict
from scoring.result import RequestContext
from scoring.schema import Environment

__all__ = ["REASON", "detect"]

REASON = "env.screen_window"
# Window chrome and multi-monitor setups: allow this much beyond the screen.
SLACK = 1.25


def detect(env: Environment | None, ctx: RequestContext) -> Detection:
    if env is None or env.screen is None:
        return Detection(Verdict.UNKNOWN, REASON)
    width, height, avail_w, avail_h, _depth = env.screen
    if width == 0 or height == 0:
        return Detection(Verdict.BOT, REASON)
    if avail_w > width or avail_h > height:
        return Detection(Verdict.SUSPICIOUS, REASON)
    if env.window is None:
        return Detection(Verdict.OK, REASON)
    _inner_w, _inner_h, outer_w, outer_h = env.window
    if outer_w == 0 and outer_h == 0:
        return Detection(Verdict.SUSPICIOUS, REASON)
    if outer_w > width * SLACK and outer_h > height * SLACK:
        return Detection(Verdict.SUSPICIOUS, REASON)
    return Detection(Verdict.OK, REASON)
