"""Automation globals on window/document (``__nightmare``, ``cdc_...``, ``_phantom`` ...).

The widget reports the names it found; any found one is a driver's footprint.
"""

from __future__ import annotations

from scoring.detectors._base import Detection, Verdict
from scoring.result import RequestContext
from scoring.schema import Environment

__all__ = ["REASON", "detect"]

REASON = "env.automation_globals"


def detect(env: Environment | None, ctx: RequestContext) -> Detection:
    if env is None or env.automation_globals is None:
        return Detection(Verdict.UNKNOWN, REASON)
    return Detection(Verdict.BOT if env.automation_globals else Verdict.OK, REASON)
