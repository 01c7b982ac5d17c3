"""Robustness of the text path: odd shapes of input, feature sanity, and the model file itself."""

from __future__ import annotations

import gzip
import json
from importlib import resources

import numpy as np
import pytest
from _text_pages import read

import declutter
from declutter import features_text
from declutter.model import load_model
from declutter.segment_text import segment_text

ODD_PAGES = {
    "one word": "Hello",
    "one sentence": "This is a single sentence that stands alone on the page.",
    "only punctuation": "----\n****\n....",
    "only numbers": "1\n2\n3\n4\n5",
    "no blank lines": "\n".join(["A short menu", "Another entry", *["A long sentence of text."] * 20]),
    "cjk": "北京新闻\n\n今天北京的天气很好，很多人去公园散步。我们在湖边看到了很多花。\n\n相关文章\n分享",
    "very long line": "word " * 50_000,
    "many short lines": "\n".join(f"Item {i}" for i in range(5000)),
    "tabs and carriage returns": "Title\r\n\r\n\tIndented line of text here.\r\nNext: value\r",
    "mixed scripts": "Привет мир. Hello world. Γειά σου κόσμε. مرحبا بالعالم.",
}


@pytest.mark.parametrize("name", ODD_PAGES)
def test_odd_text_pages_give_finite_scores_and_a_string(name: str) -> None:
    doc = declutter.clean(ODD_PAGES[name], input_kind="text")
    assert isinstance(doc.text, str)
    assert all(0.0 <= b.score <= 1.0 for b in doc.blocks)


@pytest.mark.parametrize("name", ODD_PAGES)
def test_features_are_finite_and_shaped_by_feature_names(name: str) -> None:
    segs = segment_text(ODD_PAGES[name])
    X = features_text.text_features(segs)
    assert X.shape == (len(segs), len(features_text.FEATURES))
    assert np.isfinite(X).all()


def test_empty_and_blank_text_give_no_blocks() -> None:
    assert declutter.clean("", input_kind="text").blocks == []
    assert declutter.clean("\n \n\t\n", input_kind="text").blocks == []


def test_extract_is_deterministic() -> None:
    page = read("text-template-harbour.txt")
    assert declutter.extract(page, input_kind="text") == declutter.extract(page, input_kind="text")


def test_result_does_not_depend_on_line_endings() -> None:
    page = read("text-template-garden.txt")
    crlf = page.replace("\n", "\r\n")
    assert declutter.extract(crlf, input_kind="text") == declutter.extract(page, input_kind="text")


def test_shipped_text_model_is_a_small_versioned_tree_model_over_known_features() -> None:
    model = load_model("text")
    assert model.version and model.version != "0"
    assert set(model.features) <= set(features_text.FEATURES)
    assert set(model.thresholds) == {"precision", "balanced", "recall"}
    assert model.thresholds["precision"] >= model.thresholds["balanced"] >= model.thresholds["recall"]
    folder = resources.files("declutter") / "data" / "models"
    gz = folder / "text.json.gz"
    raw = gz.read_bytes() if gz.is_file() else (folder / "text.json").read_bytes()
    assert len(raw) <= 5 * 1024 * 1024
    data = json.loads(gzip.decompress(raw)) if gz.is_file() else json.loads(raw)
    assert data["format"] == "declutter-trees/1"


def test_numpy_inference_matches_lightgbm_exactly() -> None:
    lgb = pytest.importorskip("lightgbm")
    from declutter.model import model_from_dict
    from declutter.train.export import flatten_lightgbm

    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 6))
    X[rng.random(X.shape) < 0.05] = np.nan
    y = (X[:, 0] + np.nan_to_num(X[:, 1]) * X[:, 2] > 0).astype(int)
    booster = lgb.train({"objective": "binary", "verbosity": -1, "num_threads": 1, "deterministic": True,
                         "min_data_in_leaf": 5}, lgb.Dataset(X, y), num_boost_round=20)
    d = {"format": "declutter-trees/1", "features": [f"f{i}" for i in range(6)],
         "trees": flatten_lightgbm(booster.dump_model())}
    ours = model_from_dict(d).raw(X)
    assert np.allclose(ours, booster.predict(X, raw_score=True), rtol=0, atol=1e-9)
