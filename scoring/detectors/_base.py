"""What a detector answers."""

from __future__ import annotations

import enum
from collections.abc import Callable

import msgspec

from scoring.result import RequestContext
from scoring.schema import Environment

__all__ = ["Detection", "Detector", "Verdict"]


class Verdict(enum.StrEnum):
    """``unknown`` when the input needed is missing: never read as ``bot``."""

    BOT = "bot"
    SUSPICIOUS = "suspicious"
    OK = "ok"
    UNKNOWN = "unknown"


class Detection(msgspec.Struct, frozen=True):
    """A detector's verdict and its reason code (``env.<detector>``)."""

    verdict: Verdict
    reason: str


Detector = Callable[[Environment | None, RequestContext], Detection]
