"""ONNX export of a trained classifier with its calibration built in (training only).

The shipped graph maps a float32 feature matrix ``input`` ``[N, F]`` to one
output ``score`` ``[N]``: the calibrated P(human). Platt scaling on the
classifier's logit is appended as ONNX nodes, so the file alone is the model.
Feature names and training facts go into the model's metadata.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

__all__ = ["export_lightgbm"]

_EPS = 1e-6


def export_lightgbm(
    model: Any, feature_names: tuple[str, ...], platt: tuple[float, float], meta: dict[str, Any]
) -> bytes:
    """Serialise ``model`` (a fitted LGBMClassifier, class 1 = human) to ONNX bytes."""
    import onnxmltools
    from onnxmltools.convert.common.data_types import FloatTensorType

    n = len(feature_names)
    proto = onnxmltools.convert_lightgbm(
        model,
        initial_types=[("input", FloatTensorType([None, n]))],
        zipmap=False,
        target_opset=15,
    )
    g = proto.graph
    a, b = platt
    consts: dict[str, np.ndarray] = {
        "cal_col": np.array(1, dtype=np.int64),
        "cal_lo": np.array(_EPS, dtype=np.float32),
        "cal_hi": np.array(1.0 - _EPS, dtype=np.float32),
        "cal_one": np.array(1.0, dtype=np.float32),
        "cal_a": np.array(a, dtype=np.float32),
        "cal_b": np.array(b, dtype=np.float32),
    }
    for name, value in consts.items():
        g.initializer.append(numpy_helper.from_array(value, name))
    g.node.extend(
        [
            helper.make_node("Gather", ["probabilities", "cal_col"], ["cal_p0"], axis=1),
            helper.make_node("Max", ["cal_p0", "cal_lo"], ["cal_p1"]),
            helper.make_node("Min", ["cal_p1", "cal_hi"], ["cal_p"]),
            helper.make_node("Sub", ["cal_one", "cal_p"], ["cal_q"]),
            helper.make_node("Div", ["cal_p", "cal_q"], ["cal_odds"]),
            helper.make_node("Log", ["cal_odds"], ["cal_logit"]),
            helper.make_node("Mul", ["cal_logit", "cal_a"], ["cal_z0"]),
            helper.make_node("Add", ["cal_z0", "cal_b"], ["cal_z"]),
            helper.make_node("Sigmoid", ["cal_z"], ["score"]),
        ]
    )
    del g.output[:]
    g.output.append(helper.make_tensor_value_info("score", TensorProto.FLOAT, [None]))
    # Drop the label branch: nothing reads it any more.
    used = {"score"}
    keep = []
    for node in reversed(list(g.node)):
        if any(o in used for o in node.output):
            keep.append(node)
            used.update(node.input)
    del g.node[:]
    g.node.extend(reversed(keep))
    props = {"feature_names": json.dumps(list(feature_names)), "platt": json.dumps([a, b])}
    props.update({k: json.dumps(v) for k, v in meta.items()})
    for key, text in props.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, text
    proto.producer_name = "palisade-scoring"
    # The converter names the graph with a random UUID: a fixed name keeps the
    # file, and so the version id, the same for the same seed and data.
    g.name = "palisade_pointer"
    onnx.checker.check_model(proto)
    return bytes(proto.SerializeToString())
