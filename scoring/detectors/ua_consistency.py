"""``navigator.userAgent`` vs ``userAgentData`` vs the Web Worker's ``userAgent``.

Stealth kits override the UA string in the window scope only, or claim a
non-Chromium browser while the Chromium-only ``userAgentData`` is present.
"""

from __future__ import annotations

from scoring.detectors._base import Detection, Verdict
from scoring.result import RequestContext
from scoring.schema import Environment

__all__ = ["REASON", "detect", "platform_of"]

REASON = "env.ua_consistency"

_PLATFORMS = (
    ("android", "Android"),
    ("iphone", "iOS"),
    ("ipad", "iOS"),
    ("cros", "Chrome OS"),
    ("windows", "Windows"),
    ("macintosh", "macOS"),
    ("linux", "Linux"),
)


def platform_of(user_agent: str) -> str | None:
    """The ``userAgentData.platform`` name a UA string implies, if recognisable."""
    ua = user_agent.lower()
    for needle, name in _PLATFORMS:
        if needle in ua:
            return name
    return None


def detect(env: Environment | None, ctx: RequestContext) -> Detection:
    if env is None or env.user_agent is None:
        return Detection(Verdict.UNKNOWN, REASON)
    ua = env.user_agent
    if env.worker_user_agent is not None and env.worker_user_agent != ua:
        return Detection(Verdict.BOT, REASON)
    data = env.ua_data
    if data is None:
        return Detection(Verdict.OK if env.worker_user_agent else Verdict.UNKNOWN, REASON)
    if any("headless" in b.lower() for b in data.brands):
        return Detection(Verdict.BOT, REASON)
    if "Chrome/" not in ua and "Chromium/" not in ua and "Edg/" not in ua:
        # userAgentData exists only in Chromium browsers.
        return Detection(Verdict.BOT, REASON)
    claimed = platform_of(ua)
    if data.platform and claimed and data.platform != claimed:
        return Detection(Verdict.SUSPICIOUS, REASON)
    if data.mobile is not None and data.mobile != ("Mobile" in ua):
        return Detection(Verdict.SUSPICIOUS, REASON)
    return Detection(Verdict.OK, REASON)
