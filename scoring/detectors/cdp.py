"""A DevTools protocol client is attached (an Error's ``stack`` was read on serialisation).

Puppeteer, Playwright and Selenium 4 do this, but so does a person with DevTools
open, hence ``suspicious`` rather than ``bot``.
"""

from __future__ import annotations

from scoring.detectors._base import Detection, Verdict
from scoring.result import RequestContext
from scoring.schema import Environment

__all__ = ["REASON", "detect"]

REASON = "env.cdp"


def detect(env: Environment | None, ctx: RequestContext) -> Detection:
    if env is None or env.cdp is None:
        return Detection(Verdict.UNKNOWN, REASON)
    return Detection(Verdict.SUSPICIOUS if env.cdp else Verdict.OK, REASON)
