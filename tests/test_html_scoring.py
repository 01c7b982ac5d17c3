"""HTML scoring: features, the shipped tree model and end-to-end precision/recall on hand-written fixtures."""

from __future__ import annotations

import dataclasses
import gzip
import json
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

import declutter
from declutter import core, features_html
from declutter.model import load_model
from declutter.parse import clean_tree, parse_html
from declutter.segment_html import segment_html
from declutter.smooth import decide, drop_repeats
from declutter.train.labels_html import block_labels, oracle

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def _features(markup: str, title: str | None = None) -> np.ndarray:
    return features_html.html_features(segment_html(clean_tree(parse_html(markup))), title)


def test_feature_names_are_unique_and_match_columns() -> None:
    assert len(set(features_html.FEATURES)) == len(features_html.FEATURES)
    X = _features(_read("html-article.html").decode())
    assert X.shape[1] == len(features_html.FEATURES)


@pytest.mark.parametrize("markup", [
    "<p>x</p>",
    "<body><p>只有中文的一段文字，没有空格。</p><p>第二段。</p></body>",
    "<body>" + "<p>a</p>" * 3 + "</body>",
    "<body><a href='#'>only a link</a></body>",
    "<body><pre>\n\n  code\n</pre><p>\u00a0\u200b text \ufeff</p></body>",
])
def test_robustness_features_are_finite_on_odd_pages(markup: str) -> None:
    X = _features(markup, title="x")
    assert X.shape[0] >= 1
    assert np.isfinite(X).all()


def test_robustness_features_of_no_blocks() -> None:
    assert features_html.html_features([], None).shape == (0, len(features_html.FEATURES))


def test_shipped_model_is_a_small_tree_ensemble_over_known_features() -> None:
    model = load_model("html")
    assert set(model.features) <= set(features_html.FEATURES)
    base = resources.files("declutter") / "data" / "models"
    path = base / "html.json.gz"
    size = path.stat().st_size if path.is_file() else (base / "html.json").stat().st_size
    assert size <= 5 * 1024 * 1024
    if path.is_file():
        d = json.loads(gzip.decompress(path.read_bytes()))
        assert d["format"] == "declutter-trees/1"
        assert len(d["trees"]["roots"]) <= 400


def test_favor_thresholds_are_ordered() -> None:
    model = load_model("html")
    assert model.threshold("precision") >= model.threshold("balanced") >= model.threshold("recall")


def test_recall_article_paragraphs_are_kept() -> None:
    text = declutter.extract(_read("html-article.html"))
    for phrase in ("Tide pools look fragile", "Anemones close into tight knots",
                   "Winter is not only a hardship", "Researchers now use the pools"):
        assert phrase in text


def test_precision_article_page_chrome_is_dropped() -> None:
    text = declutter.extract(_read("html-article.html"))
    for junk in ("Privacy Policy", "All rights reserved", "Subscribe to our newsletter", "Storm season guide",
                 "About us"):
        assert junk not in text


def test_recall_forum_posts_are_kept() -> None:
    text = declutter.extract(_read("html-forum.html"))
    for phrase in ("going on holiday for three weeks", "Three weeks in the fridge is fine",
                   "Drying works too"):
        assert phrase in text


def test_precision_forum_controls_are_dropped() -> None:
    text = declutter.extract(_read("html-forum.html"))
    for junk in ("Powered by ForumSoft", "Next page", "Log in Register"):
        assert junk not in text


def test_recall_output_contains_precision_output() -> None:
    data = _read("html-article.html")
    precise = declutter.clean(data, favor="precision").content_blocks
    recall = declutter.clean(data, favor="recall").content_blocks
    assert {b.index for b in precise} <= {b.index for b in recall}


def test_robustness_malformed_page_still_gives_its_text() -> None:
    text = declutter.extract(_read("html-malformed.html"))
    assert "This paragraph sits inside a button" in text


def test_labels_align_blocks_with_the_reference() -> None:
    texts = ["Home", "News", "A long paragraph about tide pools and the animals living there.",
             "Tide pools", "Share on Facebook", "Second paragraph of the article body here."]
    reference = ("Tide pools\n\nA long paragraph about tide pools and the animals living there.\n\n"
                 "Second paragraph of the article body here.")
    y = block_labels(texts, reference)
    assert y.tolist() == [0, 0, 1, 1, 0, 1]
    assert oracle(texts, y, reference) == pytest.approx(1.0)


def test_labels_empty_reference_is_all_junk() -> None:
    assert block_labels(["some text here now"], "").tolist() == [0]


def test_recall_empty_fallback_keeps_the_best_blocks_when_nothing_passes() -> None:
    scores = np.array([0.1, 0.3, 0.28, 0.05])
    assert not decide(scores, 0.5, {}).any()
    assert decide(scores, 0.5, {"empty_fallback": 0.9}).tolist() == [False, True, True, False]
    assert decide(scores, 0.2, {"empty_fallback": 0.9}).tolist() == [False, True, True, False]
    assert decide(np.zeros(0), 0.5, {"empty_fallback": 0.9}).size == 0


def test_drop_repeats_keeps_the_first_copy_of_repeated_content() -> None:
    texts = ["Intro", "Same text", "Other", "Same text", "Same text", "Intro"]
    keep = np.array([False, True, True, True, True, True])
    # "Same text" stays once; "Intro" was not kept at its first place, so its second copy is the first kept.
    assert drop_repeats(keep, texts).tolist() == [False, True, True, False, False, True]
    assert drop_repeats(np.zeros(0, dtype=bool), []).size == 0


def _first_kept_copies(keep: list[bool], texts: list[str]) -> list[bool]:
    """``drop_repeats`` for one mask, written plainly."""
    seen: set[str] = set()
    out = []
    for k, t in zip(keep, texts, strict=True):
        out.append(k and t not in seen)
        if k:
            seen.add(t)
    return out


def test_drop_repeats_on_a_threshold_sweep_matches_each_column() -> None:
    rng = np.random.default_rng(7)
    for _ in range(200):
        n = int(rng.integers(1, 25))
        texts = [f"t{v}" for v in rng.integers(0, 5, n)]
        sweep = rng.random((n, 6)) < 0.5
        both = drop_repeats(sweep, texts)
        for j in range(sweep.shape[1]):
            assert both[:, j].tolist() == drop_repeats(sweep[:, j], texts).tolist()
            assert both[:, j].tolist() == _first_kept_copies(sweep[:, j].tolist(), texts)


def test_drop_repeats_applies_only_at_a_favor_of_a_model_that_asks(monkeypatch: pytest.MonkeyPatch) -> None:
    page = ("<html><body><article><h1>Title of the page</h1>"
            + "<p>A paragraph of the article that is long enough to be read as content by the scorer.</p>" * 2
            + "</article></body></html>")
    shipped = load_model("html")
    model = dataclasses.replace(shipped, smoothing={**shipped.smoothing, "drop_repeats": 1.0})
    monkeypatch.setattr(core, "load_model", lambda name: model)
    doc = declutter.clean(page, favor="recall")
    paragraphs = [b for b in doc.blocks if b.text.startswith("A paragraph")]
    assert [b.label for b in paragraphs] == ["content", "junk"]
    assert paragraphs[1].reasons[0] == "repeats earlier content"
    every = declutter.clean(page, threshold=0.0)
    assert all(b.label == "content" for b in every.blocks)
