"""Block scorers as data: a model file is loaded once and evaluated with numpy only.

Two formats, told apart by their ``format`` field:

* ``declutter-trees/1``: an additive tree ensemble (exported from LightGBM by ``declutter.train``), flattened
  into parallel node arrays, laid out level by level as complete binary trees and evaluated for all trees
  at once, one tree level per numpy step.
* ``declutter-linear/1``: a logistic model with hand-set or fitted weights.

Both carry the ordered feature names they expect, the thresholds that ``favor=`` maps to, and smoothing
parameters, so the pipeline never hard-codes a number that belongs to a model.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from functools import lru_cache, partial
from importlib import resources
from typing import Any

import numpy as np

from declutter._compiled import compiled

_trees_c = compiled("_trees")
DEFAULT_THRESHOLDS = {"precision": 0.6, "balanced": 0.5, "recall": 0.35}


@dataclass(frozen=True)
class Model:
    name: str
    version: str
    features: tuple[str, ...]
    thresholds: dict[str, float]
    smoothing: dict[str, float]
    meta: dict[str, Any] = field(default_factory=dict)

    def raw(self, X: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Probability-like score per row of ``X`` (rows = blocks, columns = ``self.features``)."""
        if X.shape[0] == 0:
            return np.zeros(0)
        if X.shape[1] != len(self.features):
            raise ValueError(f"model {self.name} expects {len(self.features)} features, got {X.shape[1]}")
        z = self.raw(np.asarray(X, dtype=np.float64))
        return 1.0 / (1.0 + np.exp(-np.clip(z, -40.0, 40.0)))

    def threshold(self, favor: str) -> float:
        return float(self.thresholds.get(favor, DEFAULT_THRESHOLDS[favor]))


@dataclass(frozen=True)
class LinearModel(Model):
    weights: np.ndarray = field(default_factory=lambda: np.zeros(0))
    bias: float = 0.0

    def raw(self, X: np.ndarray) -> np.ndarray:
        return X @ self.weights + self.bias


#: Rows per pass of the level-by-level tree walk: small enough that a pass's work arrays (rows x trees) stay
#: in the CPU cache; larger blocks of rows run slower, not faster.
_TREE_ROWS = 128
#: Trees are laid out as complete binary trees (see ``_Levels``) unless that needs more leaf slots than this;
#: deep, sparse trees then fall back to walking the node arrays.
_MAX_LEAF_SLOTS = 1 << 22


@dataclass(frozen=True)
class _Levels:
    """The ensemble as complete binary trees of ``depth`` levels, stored level by level.

    Level ``d`` holds ``trees * 2**d`` nodes; node ``i``'s children sit at ``2i`` and ``2i + 1`` of the next
    level, so a walk step is a shift and an add instead of a look-up in a children table. A leaf above the
    last level becomes a chain of nodes that always go left (threshold +inf, missing values left), and its
    value fills every leaf slot below it.
    """

    feature: tuple[np.ndarray, ...]
    threshold: tuple[np.ndarray, ...]
    default_left: tuple[np.ndarray, ...]
    leaf_value: np.ndarray


@dataclass(frozen=True)
class TreeModel(Model):
    feature: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    threshold_: np.ndarray = field(default_factory=lambda: np.zeros(0))
    left: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    right: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    default_left: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    value: np.ndarray = field(default_factory=lambda: np.zeros(0))
    roots: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    depth: int = 0
    base: float = 0.0

    def __post_init__(self) -> None:
        # Precomputed once: leaves read column 0 harmlessly, and both children sit side by side.
        object.__setattr__(self, "_feature_safe", np.maximum(self.feature, 0).astype(np.intp))
        children = np.stack([self.left, self.right], axis=1).ravel().astype(np.intp)
        object.__setattr__(self, "_children", children)
        object.__setattr__(self, "_levels", _complete_levels(self))
        # The compiled walk's arguments, in the exact types and layout it reads.
        object.__setattr__(self, "_c_trees", (
            *(np.ascontiguousarray(a, dtype=t) for a, t in (
                (self.feature, np.int32), (self.threshold_, np.float64), (self.left, np.int32),
                (self.right, np.int32), (self.default_left, np.uint8), (self.value, np.float64),
                (self.roots, np.int32))),
            int(self.depth), float(self.base)))

    def raw(self, X: np.ndarray) -> np.ndarray:
        if _trees_c is not None:
            # The compiled walk (``_trees.pyx``): each row down each tree in C, the same bits as below.
            return _trees_c.raw_scores(np.ascontiguousarray(X, dtype=np.float64),
                                       *self._c_trees)  # type: ignore[attr-defined]
        return self.raw_numpy(X)

    def raw_numpy(self, X: np.ndarray) -> np.ndarray:
        """``raw`` with numpy only (when ``_trees`` is not built): all trees of a chunk of rows at once."""
        # Rows go through in chunks: fast (the work arrays stay in cache), and a page of 100,000 blocks costs
        # no more memory than a small one.
        levels: _Levels | None = self._levels  # type: ignore[attr-defined]
        walk = self._walk_nodes if levels is None else partial(self._walk_levels, levels=levels)
        if X.shape[0] <= _TREE_ROWS:
            return walk(X)
        return np.concatenate([walk(X[i:i + _TREE_ROWS]) for i in range(0, X.shape[0], _TREE_ROWS)])

    def _walk_levels(self, X: np.ndarray, levels: _Levels) -> np.ndarray:
        """Raw scores by walking all trees of all rows at once, one level per numpy step.

        Each row's leaf values are summed in tree order, as ``_walk_nodes`` does, so both give the same bits.
        The work arrays are allocated once and reused: fresh arrays per step cost more than the steps.
        """
        n, width = X.shape
        flat = X.ravel()
        has_nan = bool(np.isnan(flat).any())
        row_base = (np.arange(n, dtype=np.intp) * width)[:, None]
        slot = np.tile(np.arange(self.roots.size, dtype=np.intp), (n, 1))
        if levels.feature:
            # Level 0 is every tree's root for every row: whole columns of X, with no look-up by slot.
            x0 = X.take(levels.feature[0], axis=1)
            first = x0 > levels.threshold[0]
            if has_nan:
                first = np.where(np.isnan(x0), ~levels.default_left[0], first)
            slot <<= 1
            slot += first
        at = np.empty(slot.shape, np.intp)
        x = np.empty(slot.shape)
        cut = np.empty(slot.shape)
        right = np.empty(slot.shape, bool)
        for feature, threshold, default_left in zip(levels.feature[1:], levels.threshold[1:],
                                                    levels.default_left[1:], strict=True):
            np.add(feature.take(slot), row_base, out=at)
            # Indices are in range by construction; "clip" lets ``take`` write into ``out`` unbuffered.
            flat.take(at, out=x, mode="clip")
            threshold.take(slot, out=cut, mode="clip")
            np.greater(x, cut, out=right)
            if has_nan:
                right = np.where(np.isnan(x), ~default_left.take(slot), right)
            slot <<= 1
            slot += right
        return levels.leaf_value.take(slot).sum(axis=1) + self.base

    def _walk_nodes(self, X: np.ndarray) -> np.ndarray:
        """Raw scores by following the node arrays (for trees too deep to lay out as complete trees)."""
        # Leaves point to themselves, so every row can take ``depth`` steps without checking for leaves.
        n, width = X.shape
        node = np.broadcast_to(self.roots.astype(np.intp), (n, self.roots.size)).copy()
        flat = X.ravel()
        row_base = (np.arange(n, dtype=np.intp) * width)[:, None]
        has_nan = bool(np.isnan(flat).any())
        feature: np.ndarray = self._feature_safe  # type: ignore[attr-defined]
        children: np.ndarray = self._children  # type: ignore[attr-defined]
        for _ in range(self.depth):
            x = flat.take(row_base + feature.take(node))
            go_right = x > self.threshold_.take(node)
            if has_nan:
                go_right = np.where(np.isnan(x), ~self.default_left.take(node), go_right)
            node = children.take(2 * node + go_right)
        return self.value.take(node).sum(axis=1) + self.base


def _complete_levels(model: TreeModel) -> _Levels | None:
    """``model``'s trees as complete binary trees (``_Levels``), or None when that layout would be too big.

    A node reached after ``depth`` steps gives its value even if it is not a leaf, as in ``_walk_nodes``.
    """
    depth, n_trees = model.depth, model.roots.size
    if n_trees << depth > _MAX_LEAF_SLOTS:
        return None
    # The smallest integer type for feature numbers: a smaller array to gather from is a faster gather.
    feature_type = np.min_scalar_type(int(model.feature.max(initial=0)))
    features = tuple(np.zeros(n_trees << d, feature_type) for d in range(depth))
    thresholds = tuple(np.full(n_trees << d, np.inf) for d in range(depth))
    default_left = tuple(np.ones(n_trees << d, bool) for d in range(depth))
    leaf_value = np.zeros(n_trees << depth)
    node = model.roots.astype(np.intp)
    slot = np.arange(n_trees, dtype=np.intp)
    for d in range(depth):
        leaf = model.feature[node] < 0
        leaf_value.reshape(-1, 1 << (depth - d))[slot[leaf]] = model.value[node[leaf], None]
        node, slot = node[~leaf], slot[~leaf]
        features[d][slot] = model.feature[node]
        thresholds[d][slot] = model.threshold_[node]
        default_left[d][slot] = model.default_left[node]
        node = np.concatenate((model.left[node], model.right[node])).astype(np.intp)
        slot = np.concatenate((2 * slot, 2 * slot + 1))
    leaf_value[slot] = model.value[node]
    return _Levels(features, thresholds, default_left, leaf_value)


def model_from_dict(d: dict[str, Any], name: str = "model") -> Model:
    common = dict(
        name=d.get("name", name),
        version=str(d.get("version", "0")),
        features=tuple(d["features"]),
        thresholds={**DEFAULT_THRESHOLDS, **d.get("thresholds", {})},
        smoothing=dict(d.get("smoothing", {})),
        meta=dict(d.get("meta", {})),
    )
    fmt = d.get("format")
    if fmt == "declutter-linear/1":
        weights = np.asarray(d["weights"], dtype=np.float64)
        return LinearModel(**common, weights=weights, bias=float(d["bias"]))
    if fmt == "declutter-trees/1":
        t = d["trees"]
        return TreeModel(
            **common,
            feature=np.asarray(t["feature"], dtype=np.int32),
            threshold_=np.asarray(t["threshold"], dtype=np.float64),
            left=np.asarray(t["left"], dtype=np.int32),
            right=np.asarray(t["right"], dtype=np.int32),
            default_left=np.asarray(t["default_left"], dtype=bool),
            value=np.asarray(t["value"], dtype=np.float64),
            roots=np.asarray(t["roots"], dtype=np.int32),
            depth=int(t["depth"]),
            base=float(t.get("base", 0.0)),
        )
    raise ValueError(f"unknown model format {fmt!r}")


@lru_cache(maxsize=8)
def load_model(name: str) -> Model:
    """Load ``declutter/data/models/<name>.json[.gz]`` once per process."""
    base = resources.files("declutter") / "data" / "models"
    gz = base / f"{name}.json.gz"
    if gz.is_file():
        d = json.loads(gzip.decompress(gz.read_bytes()))
    else:
        d = json.loads((base / f"{name}.json").read_text(encoding="utf-8"))
    return model_from_dict(d, name)
