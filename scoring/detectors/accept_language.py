"""``Accept-Language`` header vs ``navigator.languages`` (and the worker's languages).

Browsers derive both from one setting. Only the primary language subtag is
compared (``en-GB`` vs ``en`` is fine); an empty ``languages`` list is an old
headless Chrome tell.
"""

from __future__ import annotations

from scoring.detectors._base import CACHED_LENGTH, Detection, HeaderCache, Verdict
from scoring.result import RequestContext
from scoring.schema import Environment

__all__ = ["CACHED_LENGTH", "REASON", "detect", "primary_languages"]

REASON = "env.accept_language"


def primary_languages(header: str) -> tuple[str, ...]:
    """Primary subtags of an Accept-Language header, in header order, without ``*``."""
    out: list[str] = []
    for part in header.split(","):
        tag = part.split(";", 1)[0].strip().lower()
        if tag and tag != "*":
            out.append(tag.split("-", 1)[0])
    return tuple(out)


_cached_languages = HeaderCache(primary_languages)


def detect(env: Environment | None, ctx: RequestContext) -> Detection:
    if env is None or env.languages is None:
        return Detection(Verdict.UNKNOWN, REASON)
    if not env.languages:
        return Detection(Verdict.BOT, REASON)
    page = [lang.split("-", 1)[0].lower() for lang in env.languages]
    if env.worker_languages is not None and env.worker_languages != env.languages:
        return Detection(Verdict.SUSPICIOUS, REASON)
    if not ctx.accept_language:
        return Detection(Verdict.UNKNOWN, REASON)
    header = _cached_languages(ctx.accept_language)
    if not header:
        return Detection(Verdict.UNKNOWN, REASON)
    return Detection(Verdict.OK if header[0] == page[0] else Verdict.SUSPICIOUS, REASON)
