"""``navigator.webdriver``: true under WebDriver, Puppeteer and Playwright by default."""

from __future__ import annotations

from scoring.detectors._base import Detection, Verdict
from scoring.result import RequestContext
from scoring.schema import Environment

__all__ = ["REASON", "detect"]

REASON = "env.webdriver"


def detect(env: Environment | None, ctx: RequestContext) -> Detection:
    if env is None or env.webdriver is None:
        return Detection(Verdict.UNKNOWN, REASON)
    return Detection(Verdict.BOT if env.webdriver else Verdict.OK, REASON)
