"""The compiled tree walk (``declutter._trees``) gives the numpy walk's scores bit for bit.

Rows are drawn around the models' own split thresholds (exact ties go left, as in LightGBM), with missing
values (NaN, which follow each node's default direction) and infinities, for both shipped models.
"""

from __future__ import annotations

import numpy as np
import pytest

from declutter import model as model_module
from declutter.model import TreeModel, load_model, model_from_dict

pytestmark = pytest.mark.skipif(model_module._trees_c is None, reason="declutter._trees is not built")


def _rows(m: TreeModel, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    X = rng.normal(scale=50.0, size=(n, len(m.features)))
    splits = m.feature >= 0
    cols, cuts = m.feature[splits], m.threshold_[splits]
    pick = rng.integers(0, cols.size, size=n * 20)
    rows = rng.integers(0, n, size=pick.size)
    X[rows, cols[pick]] = cuts[pick] + rng.choice([0.0, -1e-9, 1e-9], size=pick.size)  # ties and near-ties
    X[rng.random(X.shape) < 0.05] = np.nan
    X[rng.random(X.shape) < 0.01] = np.inf
    return X


@pytest.mark.parametrize("name", ["html", "text"])
def test_compiled_tree_scores_equal_numpy_scores_bit_for_bit(name: str) -> None:
    m = load_model(name)
    assert isinstance(m, TreeModel)
    for n in (1, 7, 128, 129, 1000):  # the numpy walk goes in chunks of 128 rows
        X = _rows(m, n, seed=n)
        assert np.array_equal(m.raw(X), m.raw_numpy(X))


def test_compiled_tree_scores_equal_numpy_on_a_deep_sparse_tree() -> None:
    # A chain of 30 splits: too deep for the complete-tree layout, so numpy follows the node arrays.
    depth = 30
    feature = list(range(depth)) + [-1] * (depth + 1)
    leaves = list(range(depth, 2 * depth + 1))  # a leaf points to itself, as exported models' leaves do
    left = [depth + i for i in range(depth)] + leaves
    right = [i + 1 for i in range(depth - 1)] + [2 * depth] + leaves
    nodes = 2 * depth + 1
    d = {"format": "declutter-trees/1", "features": [f"f{i}" for i in range(depth)],
         "trees": {"feature": feature, "threshold": [0.5] * nodes, "left": left, "right": right,
                   "default_left": [i % 2 == 0 for i in range(nodes)],
                   "value": [float(i) for i in range(nodes)],
                   "roots": [0], "depth": depth, "base": 0.25}}
    m = model_from_dict(d)
    assert m._levels is None  # type: ignore[attr-defined]
    X = np.random.default_rng(1).random((50, depth)) * 0.6 + 0.2
    X[::7, ::3] = np.nan
    assert np.array_equal(m.raw(X), m.raw_numpy(X))


def test_compiled_module_that_cannot_load_falls_back_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    from declutter import _compiled

    def broken(name: str) -> None:
        raise ValueError("lxml.etree._Element size changed")

    monkeypatch.setattr(_compiled.importlib, "import_module", broken)
    with pytest.warns(RuntimeWarning, match="failed to load"):
        assert _compiled.compiled("_trees") is None


def test_compiled_modules_are_off_when_asked_or_not_built(monkeypatch: pytest.MonkeyPatch) -> None:
    from declutter import _compiled

    assert _compiled.compiled("_trees") is not None
    assert _compiled.compiled("_no_such_module") is None
    monkeypatch.setenv("DECLUTTER_PURE_PYTHON", "1")
    assert _compiled.compiled("_trees") is None
