"""One loaded ONNX model: its session, version id and feature contract."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import onnxruntime as ort

from scoring.features._grid import Array

__all__ = ["DEFAULT_MODEL", "ModelError", "OnnxModel", "version_of"]

DEFAULT_MODEL = Path(__file__).resolve().parent / "models" / "pointer.onnx"


class ModelError(ValueError):
    """The file is not a usable scoring model."""


def version_of(content: bytes) -> str:
    """A model's version id: a prefix of the SHA-256 of its bytes."""
    return "m-" + hashlib.sha256(content).hexdigest()[:16]


def _session_options() -> ort.SessionOptions:
    opts = ort.SessionOptions()
    # Called inline on the event loop: one thread, no spinning, no pool handoff.
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    opts.add_session_config_entry("session.inter_op.allow_spinning", "0")
    opts.log_severity_level = 3
    return opts


class OnnxModel:
    """A scoring model: float32 ``[N, F]`` features in, calibrated P(human) ``[N]`` out."""

    __slots__ = ("_session", "feature_names", "metadata", "path", "size", "version")

    def __init__(self, content: bytes, path: Path | None = None) -> None:
        try:
            self._session = ort.InferenceSession(
                content, sess_options=_session_options(), providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise ModelError(f"cannot load model {path}: {exc}") from exc
        meta = self._session.get_modelmeta().custom_metadata_map
        self.metadata: dict[str, str] = dict(meta)
        try:
            names = json.loads(meta["feature_names"])
        except (KeyError, ValueError) as exc:
            raise ModelError(f"model {path} has no feature_names metadata") from exc
        self.feature_names: tuple[str, ...] = tuple(str(n) for n in names)
        outputs = [o.name for o in self._session.get_outputs()]
        if outputs != ["score"]:
            raise ModelError(f"model {path} outputs {outputs}, expected ['score']")
        self.path = path
        self.size = len(content)
        self.version = version_of(content)
        self.predict(np.zeros((1, len(self.feature_names)), dtype=np.float32))  # warm up

    @classmethod
    def load(cls, path: Path) -> OnnxModel:
        """Read and load the model file at ``path``."""
        return cls(path.read_bytes(), path)

    def predict(self, rows: Array | np.ndarray) -> Array:
        """Calibrated P(human) per row; NaN features mean "not measurable"."""
        x = np.ascontiguousarray(rows, dtype=np.float32)
        out = self._session.run(["score"], {"input": x})[0]
        return np.asarray(out, dtype=np.float64)
