"""Native functions whose ``toString`` or descriptors lie: stealth patches.

What was patched says who patched it. Hiding automation (``navigator.webdriver``, the
permissions query that headless Chrome answered wrongly) is a stealth kit's work and
nobody else's: a bot. Privacy extensions patch the rest, and often two at a time (a
timezone spoofer, common with VPNs, patches ``Date.getTimezoneOffset`` and
``Intl.DateTimeFormat.resolvedOptions``; canvas and WebGL defenders, user-agent
switchers): suspicious, however many.
"""

from __future__ import annotations

from scoring.detectors._base import Detection, Verdict
from scoring.result import RequestContext
from scoring.schema import Environment

__all__ = ["AUTOMATION_TARGETS", "REASON", "detect"]

REASON = "env.tampered_natives"
# The widget's names (sdk_js/src/sources/tampered.ts): a prototype's getter or
# method, or an own property of the navigator instance ("navigator." + name).
AUTOMATION_TARGETS = frozenset({"Navigator.webdriver", "navigator.webdriver", "Permissions.query"})


def detect(env: Environment | None, ctx: RequestContext) -> Detection:
    if env is None or env.tampered is None:
        return Detection(Verdict.UNKNOWN, REASON)
    if AUTOMATION_TARGETS.intersection(env.tampered):
        return Detection(Verdict.BOT, REASON)
    return Detection(Verdict.SUSPICIOUS if env.tampered else Verdict.OK, REASON)
