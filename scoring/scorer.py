"""The scorer interface the edge API calls on every submit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from scoring.result import RequestContext, ScoreResult
from scoring.schema import Signals

__all__ = ["RulesScorer", "Scorer"]


class Scorer(Protocol):
    """Scores submits. Called inline on the event loop: must not block for long."""

    def score(self, signals: Signals | None, context: RequestContext) -> ScoreResult: ...

    def score_many(
        self, items: Sequence[tuple[Signals | None, RequestContext]]
    ) -> list[ScoreResult]:
        """The same answers as :meth:`score` for each item, in order (one model call)."""
        ...


class RulesScorer:
    """Deterministic checks only: no model, and it says so (``model == "rules"``)."""

    def score(self, signals: Signals | None, context: RequestContext) -> ScoreResult:
        reasons: list[str] = []
        env = signals.env if signals is not None else None
        if env is not None:
            if env.webdriver:
                reasons.append("env.webdriver")
            if env.automation_globals:
                reasons.append("env.automation_globals")
            if env.cdp:
                reasons.append("env.cdp")
        env_score = None if env is None else (0.0 if reasons else 1.0)
        return ScoreResult(
            score=0.0 if reasons else 1.0,
            channels={"env": env_score},
            reasons=tuple(reasons),
            model="rules",
        )

    def score_many(
        self, items: Sequence[tuple[Signals | None, RequestContext]]
    ) -> list[ScoreResult]:
        return [self.score(signals, context) for signals, context in items]
