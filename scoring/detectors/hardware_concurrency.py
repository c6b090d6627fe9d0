"""``navigator.hardwareConcurrency`` in the window vs in a Web Worker.

Both read the same machine; spoofing kits usually patch only the window.
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
    return Detection(Verdict.OK if worker == env.hardware_concurrency else Verdict.BOT, REASON)
