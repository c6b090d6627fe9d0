"""The production scorer: features, detectors, the ONNX pointer model, and rules.

Final score: the behaviour score (the pointer model's calibrated P(human); the
touch rule score for touch-only payloads; ``NO_BEHAVIOUR_SCORE`` when there is
no behaviour data at all, with reason ``behaviour.missing``, or mouse moves without
a click, with ``pointer.no_click``), lowered by the
other channels' findings and capped at ``BOT_CAP`` when any environment
detector says ``bot``. The shadow model scores the same rows, its result is
counted and logged, and it never changes the answer.
"""

from __future__ import annotations

import json
import logging
import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from scoring import approaches, consistency
from scoring.detectors import run_detectors
from scoring.features import POINTER_MODEL_FEATURES, keys, pointer, scroll, touch
from scoring.features._grid import Array
from scoring.model import DEFAULT_MODEL, OnnxModel
from scoring.registry import ModelRegistry
from scoring.result import RequestContext, ScoreResult
from scoring.rules import env_channel, keys_channel, scroll_channel, touch_channel
from scoring.schema import Signals

__all__ = [
    "BOT_CAP",
    "NO_BEHAVIOUR_SCORE",
    "ModelScorer",
    "ShadowStats",
    "load_default_scorer",
]

log = logging.getLogger("palisade.scoring")

NO_BEHAVIOUR_SCORE = 0.5
BOT_CAP = 0.05
# Pointer scores below this explain themselves with reason codes.
EXPLAIN_BELOW = 0.5
MAX_FEATURE_REASONS = 3
# A visit's approaches more alike than a person's (scoring.consistency) give the
# reason code ``pointer.alike`` when that took at least this much off the log odds.
ALIKE_LOGIT = -1.0
_NAN_ROW = np.full(len(POINTER_MODEL_FEATURES), np.nan)

ShadowHook = Callable[[str, str, float, float], None]


@dataclass(slots=True)
class ShadowStats:
    """Running counts of shadow scoring (both sides of the 0.5 line = a disagreement)."""

    scored: int = 0
    disagreements: int = 0
    abs_diff_sum: float = 0.0
    errors: int = 0


class _ModelNotes:
    """What the scorer reads from a model's metadata, once per model: the human 1st..99th
    percentile per feature (for reason codes), the per-count calibration of several
    approaches and the people's spreads their consistency is measured against."""

    __slots__ = ("bounds", "calibration", "consistency")

    def __init__(self, model: OnnxModel) -> None:
        self.calibration = approaches.calibration_of(model.metadata)
        self.consistency = consistency.reference_of(model.metadata)
        raw = json.loads(model.metadata.get("human_ranges", "{}"))
        self.bounds: list[tuple[str, float, float, float]] = []
        for name in model.feature_names:
            lo, hi = raw.get(name, [-math.inf, math.inf])
            self.bounds.append((name, float(lo), float(hi), max(float(hi) - float(lo), 1e-9)))

    def combine(self, p: Array, rows: Array) -> tuple[float, bool]:
        """The combined P(human) of one visit's approaches (``p``, their ``rows``), and
        whether their sameness lowered it by at least :data:`ALIKE_LOGIT`."""
        weight = approaches.evidence_weight(p.size, self.calibration)
        if weight == 0.0 or self.consistency is None:
            return approaches.combine(p, self.calibration), False
        evidence = self.consistency.evidence(rows)
        return approaches.combine(p, self.calibration, evidence), weight * evidence <= ALIKE_LOGIT

    def reasons(self, row: Array) -> list[str]:
        # Plain floats: 27 comparisons cost less than the numpy calls would.
        found: list[tuple[float, str]] = []
        for (name, lo, hi, width), v in zip(self.bounds, row.tolist(), strict=True):
            if v < lo:
                found.append(((lo - v) / width, f"{name}.low"))
            elif v > hi:
                found.append(((v - hi) / width, f"{name}.high"))
        found.sort(reverse=True)
        return [code for _, code in found[:MAX_FEATURE_REASONS]]


class ModelScorer:
    """Implements :class:`scoring.scorer.Scorer` with the model registry behind it."""

    def __init__(self, registry: ModelRegistry, *, on_shadow: ShadowHook | None = None) -> None:
        self.registry = registry
        self.shadow_stats = ShadowStats()
        self._on_shadow = on_shadow
        self._notes: dict[str, _ModelNotes] = {}
        self._lock = threading.Lock()
        pointer.warm_up()
        consistency.warm_up()

    # -- model management -------------------------------------------------
    @property
    def version(self) -> str:
        """Version id of the active model."""
        return self.registry.models.active.version

    @property
    def shadow_version(self) -> str | None:
        shadow = self.registry.models.shadow
        return shadow.version if shadow else None

    def swap(self, path: Path) -> str:
        """Make the model at ``path`` active (no restart); returns its version."""
        return self.registry.swap(path)

    def set_shadow(self, path: Path | None) -> str | None:
        return self.registry.set_shadow(path)

    def reload(self) -> bool:
        """Re-read the model files if they changed; True when a model was replaced."""
        return self.registry.reload()

    # -- scoring ----------------------------------------------------------
    def score(self, signals: Signals | None, context: RequestContext) -> ScoreResult:
        return self.score_many([(signals, context)])[0]

    def score_many(
        self, items: Sequence[tuple[Signals | None, RequestContext]]
    ) -> list[ScoreResult]:
        """Score several submits with one model call (the CLI and the edge batch this way).

        Each pointer section gives one row per approach (:mod:`scoring.approaches`);
        every row of every item goes to the model together.
        """
        self.registry.maybe_reload()
        models = self.registry.models
        rows: list[Array] = []
        spans: list[tuple[int, int]] = []
        for signals, _ in items:
            start = len(rows)
            if signals is not None and signals.pointer:
                section = pointer.section_of(signals.pointer)
                for lo, hi in approaches.spans(section):
                    rows.append(pointer.extract_span(section, lo, hi)[1:])
            spans.append((start, len(rows)))
        scores: list[float] = []
        if rows:
            batch = rows[0][None, :] if len(rows) == 1 else np.vstack(rows)
            p = models.active.predict(batch)
            scores = p.tolist()
            if models.shadow is not None:
                self._shadow(models.active, models.shadow, batch, p, spans)
        notes = self._notes_for(models.active)
        version = models.active.version
        out: list[ScoreResult] = []
        for (sig, ctx), (lo, hi) in zip(items, spans, strict=True):
            if lo == hi:
                out.append(self._combine(sig, ctx, None, _NAN_ROW, notes, version))
            elif hi - lo == 1:
                out.append(self._combine(sig, ctx, scores[lo], rows[lo], notes, version))
            else:
                mine = scores[lo:hi]
                # The reason codes describe the approach that looked least human.
                worst = lo + mine.index(min(mine))
                combined, alike = notes.combine(np.array(mine), batch[lo:hi])
                out.append(self._combine(sig, ctx, combined, rows[worst], notes, version, alike))
        return out

    def _notes_for(self, model: OnnxModel) -> _ModelNotes:
        r = self._notes.get(model.version)
        if r is None:
            r = self._notes[model.version] = _ModelNotes(model)
        return r

    def _shadow(
        self,
        active: OnnxModel,
        shadow: OnnxModel,
        rows: Array,
        p_rows: Array,
        spans: Sequence[tuple[int, int]],
    ) -> None:
        try:
            q_rows = shadow.predict(rows)
        except Exception:  # the shadow must never break an answer
            log.exception("shadow model %s failed", shadow.version)
            with self._lock:
                self.shadow_stats.errors += 1
            return
        # Compared per submit, as each model would have answered it.
        scored = [(lo, hi) for lo, hi in spans if hi > lo]
        np_, nq = self._notes_for(active), self._notes_for(shadow)
        p = np.array([np_.combine(p_rows[lo:hi], rows[lo:hi])[0] for lo, hi in scored])
        q = np.array([nq.combine(q_rows[lo:hi], rows[lo:hi])[0] for lo, hi in scored])
        disagree = int(np.count_nonzero((p >= 0.5) != (q >= 0.5)))
        with self._lock:
            st = self.shadow_stats
            st.scored += int(q.size)
            st.disagreements += disagree
            st.abs_diff_sum += float(np.abs(p - q).sum())
        if log.isEnabledFor(logging.DEBUG):
            log.debug("shadow %s vs %s: %s vs %s", shadow.version, active.version, q, p)
        if self._on_shadow is not None:
            for a, b in zip(p.tolist(), q.tolist(), strict=True):
                self._on_shadow(active.version, shadow.version, a, b)

    def _combine(
        self,
        signals: Signals | None,
        ctx: RequestContext,
        p_pointer: float | None,
        row: Array,
        notes: _ModelNotes,
        version: str,
        alike: bool = False,
    ) -> ScoreResult:
        reasons: list[str] = []
        env = signals.env if signals is not None else None
        k_score = s_score = t_score = None
        k_reasons: list[str] = []
        s_reasons: list[str] = []
        t_reasons: list[str] = []
        if signals is not None:
            # Absent sections have no channel: skip their extractors entirely.
            if signals.keys:
                k_score, k_reasons = keys_channel(
                    keys.extract(signals.keys), on_screen=bool(signals.touch)
                )
            if signals.scroll:
                s_score, s_reasons = scroll_channel(scroll.extract(signals.scroll))
            if signals.touch:
                t_score, t_reasons = touch_channel(
                    touch.extract(signals.touch),
                    touch_points=None if env is None else env.touch_points,
                )
        e_score, e_reasons, env_bot = env_channel(run_detectors(env, ctx))
        if p_pointer is not None:
            base = p_pointer
            if p_pointer < EXPLAIN_BELOW:
                reasons.append("pointer.model")
                if alike:
                    reasons.append("pointer.alike")
                reasons.extend(notes.reasons(row))
            others = (k_score, s_score, t_score)
        elif t_score is not None:
            base, others = t_score, (k_score, s_score, None)
        else:
            base, others = NO_BEHAVIOUR_SCORE, (k_score, s_score, None)
            # Moves but no click (approaches.spans): nothing the model can read.
            moved = signals is not None and bool(signals.pointer)
            reasons.append("pointer.no_click" if moved else "behaviour.missing")
        for ch in others:
            if ch is not None and ch < 0.8:
                base *= ch / 0.8
        reasons += k_reasons + s_reasons + t_reasons + e_reasons
        if e_score is not None and not env_bot:
            base *= e_score
        if env_bot:
            base = min(base, BOT_CAP)
        return ScoreResult(
            score=round(min(max(base, 0.0), 1.0), 4),
            channels={
                "pointer": None if p_pointer is None else round(p_pointer, 4),
                "keys": k_score,
                "scroll": s_score,
                "touch": t_score,
                "env": None if e_score is None else round(e_score, 4),
            },
            reasons=tuple(reasons),
            model=version,
        )


def load_default_scorer(
    model_path: Path | None = None,
    shadow_path: Path | None = None,
    *,
    check_interval: float = 1.0,
    on_shadow: ShadowHook | None = None,
) -> ModelScorer:
    """The scorer edge_api builds once at startup (the shipped model unless told otherwise).

    The model files are watched: a changed file is loaded on the next call at
    most ``check_interval`` seconds later; a broken file keeps the old model.
    """
    registry = ModelRegistry(
        model_path or DEFAULT_MODEL, shadow_path, check_interval=check_interval
    )
    return ModelScorer(registry, on_shadow=on_shadow)
