"""The compiled per-block arrays (``declutter._features``) equal the numpy twin's, and so do the feature
matrices.

Fixture pages go through the whole segmenter; synthetic segments cover what pages rarely have: CJK, astral
code points, combining marks, letters whose lower case is longer ("İ"), "_" in keys, tokens longer than any
stopword, blocks over the key and line-pattern limits, text of only spaces or punctuation, one-block pages.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from conftest import FIXTURES

from declutter import core, decode, features_html, parse
from declutter.hints import PageHints
from declutter.segment_html import ANCESTOR_LEVELS, GROUPS, HtmlSegment
from declutter.stopwords import stoplists

pytestmark = pytest.mark.skipif(features_html._C is None, reason="declutter._features is not built")

_PIECES = (
    "the", "and", "of", "der", "und", "le", "les", "el", "de", "Der", "THE", "İstanbul", "straße",
    "的", "是", "に", "は", "한국어", "日本語のテキスト", "中文内容", "😀", "𝔘𝔫𝔦",
    "ΟΔΟΣ", "ὀδυσσεύς", "naïve", "e\u0301clair", "snake_case", "_", "__init__", "x" * 25,
    "٣٤", "²", "Ⅻ", "½", "3.5", "1,000", "Views: 12", "42%", "★★★★",
    "www.example.com", "http://a.b/c", "Name:", ": value", "Title：値", "…", "。", "！", "？",
    "?", "!", ".", ",", "\"quoted.\"", "(end.)", "»fin.«", "’", "—", "-", "&", "©",
    "cookie", "Read more", "Related posts", "Comments", "\t", "\n", " ", "  ", "\u00a0", "\u3000",
    "\u2028", "ÀÉÎ", "×", "÷", "ÿ", "ǅ", "ﬁ", "ＡＢＣ", "ｘ",
)


def _text(rng: random.Random) -> str:
    n = rng.choice((1, 2, 3, 5, 12, 40, 90, 200))
    text = "".join(rng.choice(_PIECES) + rng.choice(("", " ", " ", "\n")) for _ in range(n))
    return text.strip() or rng.choice(("x", "?", "😀", "中"))


def _segments(rng: random.Random, n: int) -> list[HtmlSegment]:
    tags = ("p", "div", "li", "h1", "h2", "td", "span", "a", "code", "unknown")
    kinds = ("heading", "paragraph", "list item", "table", "code", "quote", "other", "odd")
    out = []
    serial = 0
    for _ in range(n):
        serial += rng.randint(1, 4)
        anc = tuple(sorted((rng.randint(0, serial) for _ in range(ANCESTOR_LEVELS)), reverse=True))
        out.append(HtmlSegment(
            text=_text(rng), kind=rng.choice(kinds), level=rng.randint(0, 6), tag=rng.choice(tags), path="x",
            link_chars=rng.randint(0, 50), n_links=rng.randint(0, 4), context=rng.getrandbits(20),
            class_dist=tuple(rng.randint(-1, 9) for _ in GROUPS), class_any=rng.getrandbits(len(GROUPS)),
            own_bits=rng.getrandbits(len(GROUPS)), depth=rng.randint(1, 30), ancestors=anc,
            ancestor_ends=tuple(a and serial + rng.randint(0, 9) for a in anc), block_serial=serial,
            at=serial, repeat=rng.randint(0, 9), n_images=rng.randint(0, 3)))
    return out


def _assert_same(segments: list[HtmlSegment], title: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    compiled = features_html.block_arrays(segments)
    python = features_html.block_arrays_python(segments)
    names = ("texts", "lowered", "keys", "ints", "stop", "has_lang")
    for name, a, b in zip(names, compiled, python, strict=True):
        if isinstance(a, np.ndarray):
            assert a.dtype == b.dtype and a.shape == b.shape, name
            assert a.tobytes() == b.tobytes(), (name, np.argwhere(a != b)[:5])
        else:
            assert a == b, name
    hints = PageHints(stated=frozenset({"article"}))
    X = features_html.html_features(segments, title, hints)
    with monkeypatch.context() as m:
        m.setattr(features_html, "_C", None)
        Y = features_html.html_features(segments, title, hints)
    assert X.tobytes() == Y.tobytes()


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.html")))
def test_compiled_arrays_equal_numpy_on_fixture_pages(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    text, _ = decode.decode_bytes((FIXTURES / name).read_bytes())
    segments, title, _ = core.html_segments(parse.parse_html(core.repair_text(text), chars_clean=True))
    assert segments
    _assert_same(segments, title, monkeypatch)


@pytest.mark.parametrize("seed", range(40))
def test_compiled_arrays_equal_numpy_on_random_segments(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    segments = _segments(rng, rng.choice((1, 2, 7, 60, 300)))
    _assert_same(segments, rng.choice((None, "", "The title")), monkeypatch)


@pytest.mark.parametrize("text", [
    "x", "?", " ", "\t", "😀", "𝔘", "e\u0301", "İ", "İİ_İ", "中文。", "Done!)", "'.'", "a" * 5000,
    ("word " * 80).strip(), "Ünïcödé " * 50, "1" * 400, "Key: value", "Ⅻ ² ½ ٣",
])
def test_compiled_arrays_equal_numpy_on_one_block(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    segment = _segments(random.Random(0), 1)[0]
    segment.text = text
    _assert_same([segment], text, monkeypatch)


def test_page_without_stopwords_has_no_language() -> None:
    segments = _segments(random.Random(1), 3)
    for s in segments:
        s.text = "zzqx 😀 42"
    compiled = features_html.block_arrays(segments)
    assert compiled[5] is False and not compiled[4].any()
    assert len(stoplists()) < 64  # the compiled counts hold up to 63 languages
