"""The active model, an optional shadow model, and swapping them without a restart.

Scorers read one immutable :class:`Models` snapshot per call, so a swap under
concurrent calls is a single attribute assignment: every call sees either the
old pair or the new pair, never half of each. File changes are noticed by
:meth:`ModelRegistry.maybe_reload`, which stats the files at most once per
``check_interval`` seconds (cheap enough to call on every request).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scoring.features import POINTER_MODEL_FEATURES
from scoring.model import ModelError, OnnxModel

__all__ = ["ModelRegistry", "Models"]

log = logging.getLogger("palisade.scoring")

_Stat = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Models:
    """One consistent view: the model that answers and the one that only shadows."""

    active: OnnxModel
    shadow: OnnxModel | None


def _stat(path: Path) -> _Stat | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def _load(path: Path) -> OnnxModel:
    model = OnnxModel.load(path)
    if model.feature_names != POINTER_MODEL_FEATURES:
        raise ModelError(f"{path}: its features do not match this version's extractor")
    return model


class ModelRegistry:
    """Holds the models; ``swap``, ``set_shadow`` and ``reload`` replace them atomically."""

    def __init__(
        self,
        active: Path,
        shadow: Path | None = None,
        *,
        check_interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._interval = check_interval
        self._next_check = clock() + check_interval
        self._active_path = active
        self._shadow_path = shadow
        self._active_stat = _stat(active)
        self._shadow_stat = _stat(shadow) if shadow else None
        self.models = Models(_load(active), _load(shadow) if shadow else None)

    @property
    def active_path(self) -> Path:
        return self._active_path

    @property
    def shadow_path(self) -> Path | None:
        return self._shadow_path

    def swap(self, path: Path) -> str:
        """Make the model at ``path`` active; returns its version. Raises on a bad file
        and keeps the old model."""
        model = _load(path)
        with self._lock:
            self._active_path, self._active_stat = path, _stat(path)
            self.models = Models(model, self.models.shadow)
        log.info("active model is now %s (%s)", model.version, path)
        return model.version

    def set_shadow(self, path: Path | None) -> str | None:
        """Shadow the model at ``path`` (``None`` removes the shadow); returns its version."""
        model = _load(path) if path is not None else None
        with self._lock:
            self._shadow_path = path
            self._shadow_stat = _stat(path) if path is not None else None
            self.models = Models(self.models.active, model)
        return model.version if model else None

    def reload(self) -> bool:
        """Re-read both files if they changed on disk; True when a model was replaced.

        A file that fails to load leaves the running model in place (and is not
        retried until it changes again).
        """
        with self._lock:
            changed = False
            active, shadow = self.models.active, self.models.shadow
            st = _stat(self._active_path)
            if st is not None and st != self._active_stat:
                self._active_stat = st
                try:
                    active = _load(self._active_path)
                    changed = active.version != self.models.active.version
                except (OSError, ModelError) as exc:
                    log.error("keeping model %s: %s", active.version, exc)
            if self._shadow_path is not None:
                st = _stat(self._shadow_path)
                if st is not None and st != self._shadow_stat:
                    self._shadow_stat = st
                    try:
                        shadow = _load(self._shadow_path)
                        changed = changed or shadow.version != getattr(
                            self.models.shadow, "version", None
                        )
                    except (OSError, ModelError) as exc:
                        log.error("keeping shadow model: %s", exc)
            if changed:
                self.models = Models(active, shadow)
                log.info(
                    "reloaded: active %s, shadow %s", active.version, shadow and shadow.version
                )
            return changed

    def maybe_reload(self) -> None:
        """:meth:`reload` at most once per ``check_interval`` seconds."""
        now = self._clock()
        if now < self._next_check:
            return
        self._next_check = now + self._interval
        self.reload()
