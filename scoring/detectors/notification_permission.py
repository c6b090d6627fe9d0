"""``Notification.permission`` vs ``permissions.query({name: "notifications"})``.

They describe one setting. Old headless Chrome famously answers ``denied`` from the
first and ``prompt`` from the second; so did Safari's private browsing for a while
(WebKit's fix, 2023, was prompted by reCAPTCHA challenging those people), and such
Safari versions live on in devices that no longer update: suspicious, not a bot.
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
    return Detection(Verdict.SUSPICIOUS, REASON)
