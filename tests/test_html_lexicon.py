"""The HTML scorer's learned lexicon of class-name words: splitting names, neutral unknowns, and training's
look-up by ids giving exactly the columns inference gets by strings.

Counting and cross-fitting are ``lexicon_text``'s, tested in ``test_text_lexicon.py``; the shipped file is
checked for its shape, its size and its link to the shipped model.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import string
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from declutter import features_html as fh
from declutter import lexicon as lexicon_module
from declutter.lexicon import EMPTY, Lexicon, class_words, lexicon_from_dict
from declutter.model import load_model
from declutter.parse import clean_tree, parse_html
from declutter.segment_html import HtmlSegment, segment_html
from declutter.train import lexicon_html as lh
from declutter.train import lexicon_text as lt

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
LEX = slice(len(fh.FEATURES) - len(fh.LEXICON_FEATURES), None)
COL = {n: i for i, n in enumerate(fh.LEXICON_FEATURES)}

PAGE = """<html><body>
<nav class="site-nav"><ul class="menu">
<li class="menu-item">Home</li><li class="menu-item">Sign in</li></ul></nav>
<article class="post-body"><h1>The harbour reopened</h1>
<p>The harbour reopened on Monday after the storm, and the ferries were running again by noon.</p>
<p>Fishermen said the damage was smaller than feared.</p></article>
<div class="shareBar"><p>Share this article</p></div>
<div id="relatedPosts"><p>北京新闻 今天天气很好。</p></div>
</body></html>"""


def _segments(markup: str) -> list[HtmlSegment]:
    return segment_html(clean_tree(parse_html(markup)))


def _pages() -> list[list[HtmlSegment]]:
    return [_segments(PAGE)] + [_segments((FIXTURES / name).read_bytes().decode())
                                for name in ("html-article.html", "html-forum.html", "structured.html")]


@pytest.mark.parametrize(("label", "words"), [
    ("div.entry-content", ("entry", "content")),
    ("li#menuItem42", ("menu", "item")),
    ("section.postBodyHTML", ("post", "body", "html")),
    ("ul.top-nav-menu", ("top", "nav", "menu")),
    ("a.btn_primary", ("btn", "primary")),
    ("div.x", ()),
    ("div", ()),
    ("p.share-share", ("share",)),
])
def test_class_words_split_names_into_distinct_words(label: str, words: tuple[str, ...]) -> None:
    assert class_words(label) == words


def test_unknown_words_are_neutral() -> None:
    segs = _segments(PAGE)
    unrelated = Lexicon({}, {}, "", {"qqqq": 1.5, "zzzz": -2.0})
    X = fh.html_features(segs, "The harbour reopened", lexicon=EMPTY)
    assert not X[:, LEX].any()
    assert np.array_equal(fh.html_features(segs, "The harbour reopened", lexicon=unrelated), X)


def test_junk_class_words_lower_their_blocks() -> None:
    segs = _segments(PAGE)
    texts = [s.text for s in segs]
    lex = Lexicon({}, {}, "", {"share": -1.5, "menu": -1.0, "post": 0.5, "body": 1.0})
    X = fh.html_features(segs, None, lexicon=lex)[:, LEX]
    share, sign_in = texts.index("Share this article"), texts.index("Sign in")
    body = next(i for i, t in enumerate(texts) if t.startswith("The harbour reopened on"))
    assert X[sign_in, COL["lex_cls_own"]] == -1.0  # li.menu-item: "menu" known, "item" not
    assert X[sign_in, COL["lex_cls_min"]] == -1.0 and X[sign_in, COL["lex_cls_sum"]] == -2.0  # ul.menu too
    assert X[body, COL["lex_cls_own"]] == 0.0 and X[body, COL["lex_cls_near"]] == 0.75  # article.post-body
    # The <p> has no class; div.shareBar above it has.
    assert X[share, COL["lex_cls_near"]] == -1.5 and X[share, COL["lex_cls_max"]] == -1.5


def _random_lexicon(pages: list[list[HtmlSegment]],
                    seed: int) -> tuple[Lexicon, list[lh.PageKeys], np.ndarray]:
    vocab: dict[str, int] = {}
    keys = [lh.page_keys(segs, vocab) for segs in pages]
    rng = np.random.default_rng(seed)
    values = np.round(rng.normal(size=len(vocab)), 2)
    values[rng.random(len(vocab)) < 0.3] = np.nan
    values[np.abs(values) < 0.05] = np.nan  # as the trainer's lexicon: near-neutral entries are left out
    return Lexicon({}, {}, "", lt.as_dict(values, list(vocab))), keys, values


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_training_lookup_by_ids_equals_the_shipped_lookup_by_strings(seed: int) -> None:
    """The trainer fills the lexicon columns from ids and value arrays; inference from the words."""
    pages = _pages()
    lex, keys, values = _random_lexicon(pages, seed)
    filled = np.zeros(len(fh.LEXICON_FEATURES), dtype=bool)
    for segs, k in zip(pages, keys, strict=True):
        by_ids = lh.lexicon_columns(k, values)
        assert np.array_equal(by_ids, fh.html_features(segs, None, lexicon=lex)[:, LEX])
        filled |= (by_ids != 0).any(axis=0)
    assert filled.all()  # every column was compared on some non-zero value


def test_memoised_paths_give_the_same_columns() -> None:
    """The per-lexicon memos (paths, labels) change nothing: a second pass equals the first."""
    pages = _pages()
    lex, _keys, _values = _random_lexicon(pages, 4)
    first = [fh.html_features(segs, None, lexicon=lex) for segs in pages]
    assert lex.path_values and lex.label_values
    for segs, X in zip(pages, first, strict=True):
        assert np.array_equal(fh.html_features(segs, None, lexicon=lex), X)


def test_shipped_html_lexicon_is_small_and_versioned_with_the_html_model() -> None:
    raw = (resources.files("declutter") / "data" / "lexicon" / "html.json.gz").read_bytes()
    assert len(raw) <= 1024 * 1024
    lex = lexicon_from_dict(json.loads(gzip.decompress(raw)))
    model = load_model("html")
    assert lex.version == model.version
    assert model.meta["lexicon"]["sha1"] == hashlib.sha1(raw).hexdigest()
    assert lex.classes and not lex.tokens and not lex.lines
    assert all(np.isfinite(list(lex.classes.values())))


def test_memos_stay_bounded_and_change_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """A long batch run starts the memos again instead of growing them; the columns stay the same."""
    pages = _pages()
    lex, _keys, _values = _random_lexicon(pages, 6)
    fresh, _k, _v = _random_lexicon(pages, 6)
    monkeypatch.setattr(fh, "PATH_MEMO_MAX", 3)
    monkeypatch.setattr(lexicon_module, "MEMO_MAX", 5)
    for segs in pages * 2:
        X = fh.html_features(segs, None, lexicon=lex)
        assert len(lex.path_values) <= 3 + len(segs) and len(lex.label_values) <= 6
        assert np.array_equal(X, fh.html_features(segs, None, lexicon=fresh))


def test_compiled_label_words_equal_the_regex() -> None:
    """``_features.label_centi`` finds the words ``class_words`` finds (camelCase, upper-case runs, digits,
    separators, non-ASCII letters), so ``Lexicon.label_value`` is the same with and without it."""
    if lexicon_module._C is None:
        pytest.skip("declutter._features is not built")
    rng = random.Random(7)
    alphabet = string.ascii_letters + "-_.#:/ 0123456789éÉßİ"
    labels = ["a.ABc", "a.ABC", "a.aBC", "p.HTMLParser", "d#xY.zz", "d.#x", "p.", "x.Aa", "x.AAa", "x.éa",
              "x.İab", "li#menuItem42", "div", "div.a", "section.postBodyHTML", "a.btn_primary-LG"]
    labels += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 25))) for _ in range(20_000)]
    for label in labels:
        words = class_words(label)
        centi = {w: rng.randint(-300, 300) for w in words[::2]}
        assert lexicon_module._C.label_centi(label, centi) == (sum(centi.values()), len(centi)), label
