"""``Notification.permission`` vs ``permissions.query({name: "notifications"})``.

They describe one setting. Headless Chrome famously answers ``denied`` from the
first and ``prompt`` from the second.
"""

from __future__ import annotations

from scoring.detectors._base import Detection, Verdict
from scoring.result import RequestContext
from scoring.schema import Environment

__all__ = ["REASON", "detect"]

REASON = "env.notification_permission"
_SAME = {"default": "prompt", "granted": "granted", "denied": "denied"}


def detect(env: Environment | None, ctx: RequestContext) -> Detection:
    if env is None or env.notification_permission is None or env.permissions_query is None:
        return Detection(Verdict.UNKNOWN, REASON)
    if _SAME[env.notification_permission] == env.permissions_query:
        return Detection(Verdict.OK, REASON)
    if env.notification_permission == "denied" and env.permissions_query == "prompt":
        return Detection(Verdict.BOT, REASON)
    return Detection(Verdict.SUSPICIOUS, REASON)
