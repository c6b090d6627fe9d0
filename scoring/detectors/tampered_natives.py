"""Native functions whose ``toString`` or descriptors lie: stealth patches.

One patched native can be a privacy extension; several are a stealth kit.
"""

from __future__ import annotations

from scoring.detectors._base import Detection, Verdict
from scoring.result import RequestContext
from scoring.schema import Environment

__all__ = ["BOT_AT", "REASON", "detect"]

REASON = "env.tampered_natives"
BOT_AT = 2


def detect(env: Environment | None, ctx: RequestContext) -> Detection:
    if env is None or env.tampered is None:
        return Detection(Verdict.UNKNOWN, REASON)
    n = len(set(env.tampered))
    if n >= BOT_AT:
        return Detection(Verdict.BOT, REASON)
    return Detection(Verdict.SUSPICIOUS if n else Verdict.OK, REASON)
