"""Headless browsers and HTTP libraries named in a UA string (page, worker or header).

The widget only runs in a browser, so a submit whose header names an HTTP
library carries signals forged or replayed by a script.
"""

from __future__ import annotations

import re

from scoring.detectors._base import Detection, HeaderCache, Verdict
from scoring.result import RequestContext
from scoring.schema import Environment

__all__ = ["MARKERS", "REASON", "detect"]

REASON = "env.headless_ua"
MARKERS = (
    "headlesschrome",
    "phantomjs",
    "slimerjs",
    "python-requests",
    "python-urllib",
    "aiohttp",
    "httpx",
    "curl/",
    "wget/",
    "go-http-client",
    "node-fetch",
    "axios/",
    "okhttp",
    "java/",
    "scrapy",
)
# One compiled alternation scans each string once (a Python loop per marker did not).
_MARKER_RE = re.compile("|".join(re.escape(marker) for marker in MARKERS))


def detect(env: Environment | None, ctx: RequestContext) -> Detection:
    seen = [ctx.user_agent]
    if env is not None:
        seen += [env.user_agent, env.worker_user_agent]
    present = [s for s in seen if s]
    if not present:
        return Detection(Verdict.UNKNOWN, REASON)
    hit = any(_names_marker(s) for s in present)
    return Detection(Verdict.BOT if hit else Verdict.OK, REASON)


def _scan(user_agent: str) -> bool:
    return _MARKER_RE.search(user_agent.lower()) is not None


_names_marker = HeaderCache(_scan)
