"""Palisade scoring: signals schema, features, detectors and the classifier."""

from scoring.result import RequestContext, ScoreResult
from scoring.schema import Signals, decode_signals
from scoring.scorer import RulesScorer, Scorer

__all__ = [
    "RequestContext",
    "RulesScorer",
    "ScoreResult",
    "Scorer",
    "Signals",
    "decode_signals",
]
