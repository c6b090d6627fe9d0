"""The request's ``User-Agent`` header vs the UA string the page reported.

A browser sends the same string in both. A mismatch is a UA override in one of
the two places, or signals replayed from a different client.
"""

from __future__ import annotations

from scoring.detectors._base import Detection, Verdict
from scoring.result import RequestContext
from scoring.schema import Environment

__all__ = ["REASON", "detect"]

REASON = "env.ua_header"


def detect(env: Environment | None, ctx: RequestContext) -> Detection:
    if env is None or env.user_agent is None or not ctx.user_agent:
        return Detection(Verdict.UNKNOWN, REASON)
    same = env.user_agent.strip() == ctx.user_agent.strip()
    return Detection(Verdict.OK if same else Verdict.BOT, REASON)
