"""Turn a fitted LightGBM booster into a ``declutter-trees/1`` model dict (numpy inference only).

The output is a plain dict of lists with floats written by ``repr``, so the same booster always gives the
same bytes, and ``declutter.model.TreeModel`` reproduces LightGBM's raw scores exactly.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any


def flatten_lightgbm(dump: dict[str, Any]) -> dict[str, Any]:
    """Flatten ``booster.dump_model()`` into parallel node arrays (leaves point to themselves)."""
    feature: list[int] = []
    threshold: list[float] = []
    left: list[int] = []
    right: list[int] = []
    default_left: list[bool] = []
    value: list[float] = []
    roots: list[int] = []
    max_depth = 0
    for tree in dump["tree_info"]:
        root = tree["tree_structure"]
        stack: list[tuple[dict[str, Any], int, int]] = []  # (node, slot, depth)
        slot = len(feature)
        roots.append(slot)
        _append_blank(feature, threshold, left, right, default_left, value)
        stack.append((root, slot, 0))
        while stack:
            node, i, depth = stack.pop()
            max_depth = max(max_depth, depth)
            if "leaf_value" in node:
                feature[i], left[i], right[i], value[i] = -1, i, i, float(node["leaf_value"])
                continue
            if node.get("decision_type", "<=") != "<=":
                raise ValueError("only numerical '<=' splits are supported")
            li = len(feature)
            _append_blank(feature, threshold, left, right, default_left, value)
            ri = len(feature)
            _append_blank(feature, threshold, left, right, default_left, value)
            feature[i] = int(node["split_feature"])
            threshold[i] = float(node["threshold"])
            default_left[i] = bool(node.get("default_left", True))
            left[i], right[i] = li, ri
            stack.append((node["left_child"], li, depth + 1))
            stack.append((node["right_child"], ri, depth + 1))
    return {
        "feature": feature,
        "threshold": threshold,
        "left": left,
        "right": right,
        "default_left": default_left,
        "value": value,
        "roots": roots,
        "depth": max_depth,
        "base": 0.0,
    }


def _append_blank(*arrays: list[Any]) -> None:
    feature, threshold, left, right, default_left, value = arrays
    feature.append(-1)
    threshold.append(0.0)
    left.append(0)
    right.append(0)
    default_left.append(True)
    value.append(0.0)


def write_model(path: Path, model: dict[str, Any]) -> None:
    """Write a model dict deterministically (sorted keys; gzip without a timestamp for ``.gz``)."""
    data = json.dumps(model, sort_keys=True, separators=(",", ":")).encode("utf-8")
    if path.suffix == ".gz":
        data = gzip.compress(data, compresslevel=9, mtime=0)
    path.write_bytes(data)
