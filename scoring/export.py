"""ONNX export of a trained classifier with its calibration built in (training only).

The shipped graph maps a float32 feature matrix ``input`` ``[N, F]`` to one
output ``score`` ``[N]``: the calibrated P(human). Platt scaling is folded into
the trees (each leaf weight times ``a``, ``b`` added to the sum), so the graph is
one tree ensemble giving the calibrated logit, a reshape and a sigmoid, and the
file alone is the model. Feature names and training facts go into the model's
metadata.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

__all__ = ["export_lightgbm"]

# What the classifier node carries that the regressor names differently.
_TARGET_ATTRIBUTES = {
    "class_ids": "target_ids",
    "class_nodeids": "target_nodeids",
    "class_treeids": "target_treeids",
}


def _float32_thresholds(model: Any, nodes: dict[str, Any]) -> list[float]:
    """Each split's threshold as the largest float32 not above LightGBM's double.

    LightGBM compares the (float32) input with a double threshold; the converter
    rounds that threshold to the nearest float32, which can land just above it, and
    then an input equal to the rounded value goes the other way. Rounding down makes
    ``x <= t32`` hold exactly when ``x <= t`` does for every float32 ``x``. The double
    is looked up by tree, feature and its nearest float32 (the converter's value); two
    splits of one tree on one feature within a float32 step of each other would share
    an entry, and the graph would be off for inputs between them only.
    """
    # A split that only sends missing values one way has a threshold of 1e300: its
    # nearest float32 is inf (the converter's value, so the key) and it rounds down to
    # float32's largest, which every finite input is below, as it is below 1e300.
    with np.errstate(over="ignore"):
        return _rounded_down(model, nodes)


def _rounded_down(model: Any, nodes: dict[str, Any]) -> list[float]:
    exact: dict[tuple[int, int, float], float] = {}
    for tree in model.booster_.dump_model()["tree_info"]:
        stack = [tree["tree_structure"]]
        while stack:
            node = stack.pop()
            if "split_feature" not in node:
                continue  # a leaf
            if node["decision_type"] != "<=":
                raise ValueError("only numerical <= splits are exported")
            t = float(node["threshold"])
            exact[(int(tree["tree_index"]), int(node["split_feature"]), float(np.float32(t)))] = t
            stack += [node["left_child"], node["right_child"]]
    out = []
    for tree, feature, value, mode in zip(
        nodes["nodes_treeids"],
        nodes["nodes_featureids"],
        nodes["nodes_values"],
        nodes["nodes_modes"],
        strict=True,
    ):
        if mode != "BRANCH_LEQ":
            out.append(float(value))
            continue
        t = exact[(int(tree), int(feature), float(np.float32(value)))]
        down = np.float32(t)
        if float(down) > t:
            down = np.nextafter(down, np.float32(-np.inf))
        out.append(float(down))
    return out


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
    # The converter's classifier turns the trees' sum into two class probabilities
    # and a label; calibrating that took nine more nodes (back to a logit, then
    # Platt). onnxruntime's regressor over the same trees, with Platt in the leaf
    # weights, costs 30% less per row and one node instead of ten (1 and 8 rows,
    # measured against the classifier graph in one run).
    (trees,) = [node for node in g.node if node.op_type == "TreeEnsembleClassifier"]
    attrs = {x.name: helper.get_attribute_value(x) for x in trees.attribute}
    if list(attrs["classlabels_int64s"]) != [0, 1] or set(attrs["class_ids"]) != {0}:
        raise ValueError("expected a binary classifier with one weight per leaf")
    regressor: dict[str, Any] = {
        k: v for k, v in attrs.items() if k.startswith("nodes_") and k != "nodes_modes"
    }
    regressor["nodes_modes"] = [m.decode() for m in attrs["nodes_modes"]]
    regressor["nodes_values"] = _float32_thresholds(model, regressor)
    regressor.update({new: attrs[old] for old, new in _TARGET_ATTRIBUTES.items()})
    regressor["target_weights"] = [float(w) * a for w in attrs["class_weights"]]
    base = list(attrs.get("base_values", [0.0]))
    regressor["base_values"] = [float(base[-1]) * a + b]
    shape = numpy_helper.from_array(np.array([-1], dtype=np.int64), "flat_shape")
    graph = helper.make_graph(
        [
            helper.make_node(
                "TreeEnsembleRegressor",
                ["input"],
                ["logit"],
                domain="ai.onnx.ml",
                n_targets=1,
                aggregate_function="SUM",
                post_transform="NONE",
                **regressor,
            ),
            helper.make_node("Reshape", ["logit", "flat_shape"], ["flat_logit"]),
            helper.make_node("Sigmoid", ["flat_logit"], ["score"]),
        ],
        # The converter names the graph with a random UUID: a fixed name keeps the
        # file, and so the version id, the same for the same seed and data.
        "palisade_pointer",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [None, n])],
        [helper.make_tensor_value_info("score", TensorProto.FLOAT, [None])],
        [shape],
    )
    proto = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", 15), helper.make_opsetid("ai.onnx.ml", 1)],
        producer_name="palisade-scoring",
    )
    props = {"feature_names": json.dumps(list(feature_names)), "platt": json.dumps([a, b])}
    props.update({k: json.dumps(v) for k, v in meta.items()})
    for key, text in props.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, text
    onnx.checker.check_model(proto)
    return bytes(proto.SerializeToString())
