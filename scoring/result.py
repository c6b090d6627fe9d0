"""What a scorer is given besides the signals, and what it answers."""

from __future__ import annotations

import msgspec

__all__ = ["RequestContext", "ScoreResult"]


class RequestContext(msgspec.Struct, frozen=True, kw_only=True):
    """Request facts the scorer may compare with the signals (never the raw IP)."""

    user_agent: str | None = None
    accept_language: str | None = None


class ScoreResult(msgspec.Struct, frozen=True, kw_only=True):
    """A scorer's answer.

    ``score`` is in 0..1 with 1 = likely human (the reCAPTCHA v3 convention).
    ``channels`` holds per-channel scores (``pointer``, ``keys``, ``env``, ...), ``None``
    for a channel that had no data. ``reasons`` are reason codes for what pulled the
    score down. ``model`` is the version id of the model that produced the score, or
    ``"rules"`` when only deterministic checks ran.
    """

    score: float
    channels: dict[str, float | None]
    reasons: tuple[str, ...]
    model: str
