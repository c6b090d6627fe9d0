"""``navigator.plugins`` vs ``navigator.mimeTypes``.

Desktop Chromium and Firefox expose the built-in PDF viewer (5 plugins, 2 MIME
types) or nothing when PDF viewing is off: plugins without MIME types (or the
reverse) is a hand-made fake; no plugins at all on desktop Chromium is old headless.
"""

from __future__ import annotations

from scoring.detectors._base import Detection, Verdict
from scoring.result import RequestContext
from scoring.schema import Environment

__all__ = ["REASON", "detect"]

REASON = "env.plugins"


def detect(env: Environment | None, ctx: RequestContext) -> Detection:
    if env is None or env.plugins is None or env.mime_types is None:
        return Detection(Verdict.UNKNOWN, REASON)
    if (env.plugins == 0) != (env.mime_types == 0):
        return Detection(Verdict.SUSPICIOUS, REASON)
    desktop_chromium = env.ua_data is not None and env.ua_data.mobile is False
    if desktop_chromium and env.plugins == 0:
        return Detection(Verdict.SUSPICIOUS, REASON)
    return Detection(Verdict.OK, REASON)
