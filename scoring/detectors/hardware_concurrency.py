"""``navigator.hardwareConcurrency`` in the window vs in a Web Worker.

Both read the same machine; spoofing kits usually patch only the window, and to
look like a bigger machine (more cores than the worker sees: a bot). Privacy
protections lower it instead (Brave reports a value between 2 and the true count,
and where it can only patch the page, as on iOS, the worker still sees the truth):
fewer cores in the window is only suspicious.
"""

from __future__ import annotations

from scoring.detectors._base import Detection, Verdict
from scoring.result import RequestContext
from scoring.schema import Environment

__all__ = ["REASON", "detect"]

REASON = "env.hardware_concurrency"


def detect(env: Environment | None, ctx: RequestContext) -> Detection:
    if env is None or env.hardware_concurrency is None:
        return Detection(Verdict.UNKNOWN, REASON)
    if env.hardware_concurrency == 0:
        return Detection(Verdict.SUSPICIOUS, REASON)
    worker = env.worker_hardware_concurrency
    if worker is None:
        return Detection(Verdict.OK, REASON)
    if worker == env.hardware_concurrency:
        return Detection(Verdict.OK, REASON)
    return Detection(
        Verdict.BOT if env.hardware_concurrency > worker else Verdict.SUSPICIOUS, REASON
    )
