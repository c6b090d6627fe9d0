"""What a detector answers."""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable
from typing import Generic, TypeVar

import msgspec

from scoring.result import RequestContext
from scoring.schema import Environment

__all__ = ["CACHED_LENGTH", "Detection", "Detector", "HeaderCache", "Verdict"]


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


T = TypeVar("T")

# A header's value has no length bound of its own: only those of a real browser's size
# are kept.
CACHED_LENGTH = 512


class HeaderCache(Generic[T]):
    """``fn`` of a header value, computed once per distinct value: a service sees few
    browser builds (a UA scan costs 4.5 us for a submit's two, a hit 0.1). Longer values
    are computed each time, so unique long headers cannot fill memory."""

    def __init__(self, fn: Callable[[str], T], *, maxsize: int = 4096) -> None:
        self._fn = fn
        self._cached = functools.lru_cache(maxsize=maxsize)(fn)

    def __call__(self, value: str) -> T:
        return self._cached(value) if len(value) <= CACHED_LENGTH else self._fn(value)

    def cache_info(self) -> functools._CacheInfo:
        return self._cached.cache_info()
