"""Palisade scoring: signals schema, features, detectors and the classifier.

edge_api builds one scorer at startup with :func:`load_default_scorer` and calls
``scorer.score(signals, context)`` inline on every submit.
"""

from scoring.detectors import DETECTORS, Detection, Verdict, run_detectors
from scoring.features import FEATURE_GROUPS, POINTER_MODEL_FEATURES, extract_all
from scoring.model import DEFAULT_MODEL, ModelError, OnnxModel, version_of
from scoring.model_scorer import ModelScorer, ShadowStats, load_default_scorer
from scoring.registry import ModelRegistry, Models
from scoring.result import RequestContext, ScoreResult
from scoring.schema import Signals, decode_signals, signals_json_schema
from scoring.scorer import RulesScorer, Scorer

__all__ = [
    "DEFAULT_MODEL",
    "DETECTORS",
    "FEATURE_GROUPS",
    "POINTER_MODEL_FEATURES",
    "Detection",
    "ModelError",
    "ModelRegistry",
    "ModelScorer",
    "Models",
    "OnnxModel",
    "RequestContext",
    "RulesScorer",
    "ScoreResult",
    "Scorer",
    "ShadowStats",
    "Signals",
    "Verdict",
    "decode_signals",
    "extract_all",
    "load_default_scorer",
    "run_detectors",
    "signals_json_schema",
    "version_of",
]
