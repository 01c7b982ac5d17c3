"""The HTML path's fast helpers give exactly what the straightforward code they replaced gives.

Parsing UTF-8 bytes with a plain ``etree`` parser, the bytes prefilters in ``repair``, the one
``<script>``/``<meta>`` walk for page hints, the one ``<meta>``/``<title>`` walk for the page title,
``map``-based word look-ups and the per-block context cache of the segmenter are each compared with a plain
reference on the HTML fixtures and on edge cases.
"""

from __future__ import annotations

import random
import re

import numpy as np
import pytest
from conftest import FIXTURES
from lxml import etree, html

from declutter import features_html, hints, patterns, xpaths
from declutter import segment_html as segment_html_module
from declutter.decode import (
    _MOJIBAKE,
    _cp1252_chars,
    _unmangle,
    clean_chars,
    decode_bytes,
    fix_mojibake,
    repair,
)
from declutter.parse import clean_tree, page_title, parse_html
from declutter.segment_html import ANCESTOR_LEVELS, GROUPS, HtmlSegment, segment_html
from declutter.stopwords import stoplists, word_languages

HTML_FIXTURES = sorted(p for p in FIXTURES.glob("*.html"))

EDGE_PAGE = """<!doctype html><html><head><meta charset="iso-8859-1"><title>Edge</title>
<meta property="og:type" content="article"><meta property="og:type">
<script type="application/ld+json">{"@type": "NewsArticle"}</script>
<script type="application/ld+json">[{"@type": ["Product", "Offer"]}]</script>
<script type="text/javascript">var x = "<p>not markup</p>";</script></head>
<body class="single-post" itemscope itemtype="https://schema.org/WebPage">
<div itemtype="http://schema.org/BlogPosting"><h1 id="t">Caf\u00e9 \u00d6l \u00df \u2019quoted\u2019</h1>
<p class="lead hidden-xs">Text<br><br>after two breaks<br>and one</p>
<noscript>too short</noscript><ul><li>one</li><li>two <a href="#">link</a></li></ul>
<table><tr><td>a</td><td>b</td></tr></table><p style="display:none">hidden</p>
<p>caf\u00c3\u00a9 don\u00e2\u20ac\u2122t \u65e5\u672c\u8a9e \u0395\u039b\u039b\u0391\u03a3</p>
</div></body></html>"""


def _pages() -> list[str]:
    pages = [EDGE_PAGE]
    for path in HTML_FIXTURES:
        text, _ = decode_bytes(path.read_bytes())
        pages.append(fix_mojibake(clean_chars(text)))
    return pages


def test_bytes_parse_builds_the_lxml_html_tree() -> None:
    for page in _pages():
        reference = html.document_fromstring(
            page, parser=html.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True,
                                         default_doctype=False))
        assert etree.tostring(parse_html(page)) == etree.tostring(reference)


def test_mojibake_prefilter_never_hides_a_match() -> None:
    leads = _cp1252_chars(0xC2, 0xDF) + _cp1252_chars(0xE2, 0xE2)
    conts = _cp1252_chars(0x80, 0xBF)
    pairs = "".join(f"x{lead}{c}{c} {lead}{c} " for lead in leads for c in conts)
    cases = [pairs, "caf\u00e9 \u00c4rger \u00df", "\u65e5\u672c\u00e2\u20ac", "lone \ud800 \u00c3\u00a9",
             *_pages()]
    for text in cases:
        assert fix_mojibake(text) == (text if text.isascii() else _MOJIBAKE.sub(_unmangle, text))


@pytest.mark.parametrize("page", _pages())
def test_page_hints_match_the_xpaths(page: str) -> None:
    root = parse_html(page)
    blocks, og_types = hints._scripts_and_og_types(root)
    assert blocks == [str(b) for b in root.xpath(xpaths.JSON_LD)]
    assert og_types == [str(v) for v in root.xpath(xpaths.OG_TYPE)]
    assert [str(v) for v in hints._ITEMTYPE_ATTRS(root)] == [str(v) for v in root.xpath(xpaths.ITEMTYPE)]


def test_edge_page_hints_are_found() -> None:
    found = hints.page_hints(parse_html(EDGE_PAGE))
    assert found.stated and found.body


def _language_stats_reference(texts: list[str]) -> tuple[np.ndarray, np.ndarray, bool]:
    """The per-word comprehension version that the vectorised word statistics replaced."""
    toks = [features_html._WORD.findall(t.lower()) for t in texts]
    counts = np.fromiter((len(t) for t in toks), dtype=np.int64, count=len(toks))
    table = word_languages()
    flat = [table.get(w, 0) for ts in toks for w in ts]
    if not flat:
        return counts.astype(np.float64), np.zeros(len(texts)), False
    bits = np.asarray(flat, dtype=np.int64)
    per_lang = ((bits[:, None] >> np.arange(len(stoplists()))) & 1).sum(axis=0)
    best = int(per_lang.argmax())
    if per_lang[best] == 0:
        return counts.astype(np.float64), np.zeros(len(texts)), False
    hit = (bits >> best) & 1
    owner = np.repeat(np.arange(len(texts)), counts)
    hits = np.bincount(owner, weights=hit, minlength=len(texts))
    share = np.divide(hits, counts, out=np.zeros(len(texts)), where=counts > 0)
    return counts.astype(np.float64), share, True


def _language_stats(texts: list[str], compiled: bool) -> tuple[np.ndarray, np.ndarray, bool, list[str]]:
    """Word counts, stopword shares, language flag and line keys of ``texts`` from ``block_arrays``."""
    segments = [HtmlSegment(text=t, kind="paragraph", level=0, tag="p", path="p", link_chars=0, n_links=0,
                            context=0, class_dist=(-1,) * len(GROUPS), class_any=0, own_bits=0, depth=1,
                            ancestors=(0,) * ANCESTOR_LEVELS, ancestor_ends=(0,) * ANCESTOR_LEVELS,
                            block_serial=i + 1, at=i + 1, repeat=0) for i, t in enumerate(texts)]
    if compiled and features_html._C is None:
        pytest.skip("declutter._features is not built")
    arrays = features_html.block_arrays if compiled else features_html.block_arrays_python
    _, _, keys, ints, share, has_lang = arrays(segments)
    return ints[:, features_html._I["tokens"]].astype(np.float64), share, has_lang, keys


@pytest.mark.parametrize("compiled", [False, True])
def test_word_language_stats_match_a_plain_loop(compiled: bool) -> None:
    texts = [s.text for page in _pages() for s in segment_html(clean_tree(parse_html(page)))]
    for sample in (texts, texts[:1], ["", "!!"], ["the and of", "", "der die das"]):
        counts, share, has_lang, keys = _language_stats(sample, compiled)
        ref_counts, ref_share, ref_has = _language_stats_reference(sample)
        assert has_lang == ref_has
        assert np.array_equal(counts, ref_counts) and np.array_equal(share, ref_share)
        assert keys == [patterns.normalise_line(t) if len(t) < 300 else t for t in sample]


@pytest.mark.parametrize("compiled", [False, True])
def test_line_keys_match_normalise_line_on_underscores_and_odd_letters(compiled: bool) -> None:
    sample = ["snake_case words", "__init__", "İstanbul Straße", "a_b c", "Ünïcödé ½ x²", "x" * 301, "_"]
    _, _, _, keys = _language_stats(sample, compiled)
    assert keys == [patterns.normalise_line(t) if len(t) < 300 else t for t in sample]


def _token_bits_reference(token: str) -> int:
    """The vocabulary test as first written: one regex per group."""
    low = re.sub(r"(?<=[a-z])(?=[A-Z])", "-", token).lower()
    bits = 0
    for gi, words in enumerate(xpaths.CLASS_VOCAB.values()):
        alts = [rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])" if len(w) <= 3 else re.escape(w) for w in words]
        if re.search("|".join(sorted(alts, key=len, reverse=True)), low):
            bits |= 1 << gi
    return bits


def test_class_vocabulary_trie_matches_one_regex_per_group() -> None:
    tokens = ["ADS", "topbar", "Top", "navBar", "x-ad", "ad_1", "contentinfo", "posted", "adsense", "a-d",
              "reading", "bad", "tabs", "tab-1", "btnTop", "mainContent", "héader", "adé", "shadow-lg",
              "siteNavigation", "related-posts", "comment-reply", "cookie-notice", "product-card", ""]
    for page in _pages():
        root = parse_html(page)
        for el in root.iter():
            if isinstance(el.tag, str):
                for key in xpaths.CLASS_ATTRS:
                    tokens.extend((el.get(key) or "").split())
    for token in tokens:
        segment_html_module._TOKEN_CACHE.pop(token, None)
        assert segment_html_module._token_bits(token) == _token_bits_reference(token), token


def test_boilerplate_trie_matches_the_plain_alternation_of_its_phrases() -> None:
    """``patterns.BOILERPLATE`` is built as a trie of its phrases: same matches, same spans, as the phrases
    tried one by one (longer and shorter phrases with a common start, word boundaries, other cases)."""
    phrases = patterns._word_list("boilerplate-phrases")
    plain = re.compile(r"\b(?:" + "|".join(map(re.escape, phrases)) + r")\b|©", re.I)
    texts = [page.lower() for page in _pages()] + _pages() + [
        "cookies cookiesx cookie, Cookie-notice", "login log in logout log out loginx", "© 2024 sign upx",
        "skip to main content skip to content skip to", "Related Posts related articlesx posted in posted",
        "mentions légales politique de confidentialité", "reply replying replied", "previous previously",
    ]
    for text in texts:
        for a, b in ((plain, patterns.BOILERPLATE),
                     (patterns.for_lowered(plain), patterns.for_lowered(patterns.BOILERPLATE))):
            assert [m.span() for m in a.finditer(text)] == [m.span() for m in b.finditer(text)], text[:80]


def test_repair_matches_the_str_repairs() -> None:
    samples = ["plain ascii", "caf\u00c3\u00a9 don\u00e2\u20ac\u2122t", "\ufeffBOM first",
               "nul\x00 and \x0b vt", "lone \ud800 surrogate", "pair \ud83d\ude00", "non\ufffechar\uffff",
               "Stra\u00dfe \u65e5\u672c", "\ufeff", "", "\x1f\x1e sep"]
    for text in samples:
        fixed, data = repair(text)
        assert fixed == fix_mojibake(clean_chars(text)).removeprefix("\ufeff"), repr(text)
        assert data == fixed.encode("utf-8")


def _repair_reference(text: str) -> str:
    """``repair`` without any prefilter: the ``str`` repairs on every text."""
    return _MOJIBAKE.sub(_unmangle, clean_chars(text)).removeprefix("\ufeff")


def _repair_cases() -> list[str]:
    bad = [chr(c) for c in (*range(0x00, 0x20), 0x7F, 0xFFFE, 0xFFFF, 0xD800, 0xDBFF, 0xDC00, 0xDFFF)]
    leads = _cp1252_chars(0xC2, 0xDF) + _cp1252_chars(0xE2, 0xE2)
    conts = _cp1252_chars(0x80, 0xBF)
    contexts = (("", ""), ("ascii ", " text"), ("caf\u00e9 ", " \u65e5"), ("\ufeff", "\U0001f600"))
    cases = [f"{pre}{ch}{post}" for ch in bad for pre, post in contexts]
    cases += [f"x{lead}{c}{c} " for lead in leads for c in conts]
    cases += ["caf\u00c3\u00a9", "don\u00e2\u20ac\u2122t", "\u00c3\u00a9\x00", "Stra\u00dfe \u00c4rger",
              "\ufeffcaf\u00c3\u00a9", "pair \ud83d\ude00 and \u00c3", "\u00c3", "\u00e2\u20ac"]
    return cases


def test_repair_prefilters_never_hide_a_repair() -> None:
    """The memchr checks on the UTF-8 bytes (control bytes, ``\\xc3`` before the mojibake regex) let every
    text that needs a repair through: each control character alone, before and after ASCII, accented and
    astral text, and every mojibake lead/continuation pair, with and without the caller's UTF-8."""
    for text in _repair_cases():
        expected = _repair_reference(text)
        assert repair(text) == (expected, expected.encode("utf-8")), repr(text)
        try:
            utf8 = text.encode("utf-8")
        except UnicodeEncodeError:
            continue  # lone surrogates: decode_page never passes such text with its bytes
        assert repair(text, utf8) == (expected, expected.encode("utf-8")), repr(text)


def _title_reference(root: etree._Element) -> str | None:
    for path in xpaths.TITLE_SOURCES:
        for value in root.xpath(path):
            value = re.sub(r"\s+", " ", str(value)).strip()
            if value:
                return value
    return None


TITLE_CASES = [
    "<html><head><title>Plain</title></head><body><p>x</p></body></html>",
    "<head><meta property='og:title' content='  OG  title '><title>T</title></head>",
    "<head><meta property='og:title' content=' '><title> </title></head><body><svg><title>Icon</title></svg>",
    "<head><meta property='og:title'><title>\n Spaced\n  out </title></head>",
    "<body><meta property='og:title' content='in body'><title>body title</title></body>",
    "<head><title></title></head><body><title>late</title><meta property='og:title' content='late og'>",
    "<title>first</title><head><title>second</title></head>",
    "<html><head></head><body><div><title>deep</title></div></body></html>",
    "<head><meta property='og:title' content=''><meta property='og:title' content='second og'></head>",
    "<head><meta name='og:title' content='name, not property'><title>t</title></head>",
    "<p>no title at all</p>",
    "",
]


def _random_title_page(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(0, 8)):
        kind = rng.choice(["og", "og-empty", "og-none", "title", "title-empty", "head", "/head", "body",
                           "svg", "p", "div"])
        parts.append({
            "og": f"<meta property='og:title' content='og {rng.randint(0, 9)}'>",
            "og-empty": "<meta property='og:title' content='  '>",
            "og-none": "<meta property='og:title'>",
            "title": f"<title> t{rng.randint(0, 9)} </title>",
            "title-empty": "<title> \n </title>",
            "head": "<head>", "/head": "</head>", "body": "<body>",
            "svg": f"<svg><title>svg {rng.randint(0, 9)}</title></svg>",
            "p": "<p>text</p>", "div": "<div>",
        }[kind])
    return "".join(parts)


def test_page_title_matches_the_xpaths() -> None:
    rng = random.Random(7)
    pages = TITLE_CASES + _pages() + [_random_title_page(rng) for _ in range(1500)]
    for page in pages:
        root = parse_html(page)
        assert page_title(root) == _title_reference(root), page[:300]
    # an element below the root: the XPaths (and so page_title) still read the whole document
    root = parse_html(TITLE_CASES[1])
    assert page_title(root[-1]) == _title_reference(root[-1]) == "OG title"


def test_hidden_checks_match_the_attribute_rules() -> None:
    page = """<html><body><p class="hidden">a</p><p class="md:block hidden">b</p><p class="sr-only">c</p>
    <p style="DISPLAY: none">d</p><p hidden>e</p><p aria-hidden="true">f</p><p aria-hidden="false">g</p>
    <p class="visually-hidden-focusable">h</p><p style="color:red">i</p></body></html>"""
    texts = [s.text for s in segment_html(clean_tree(parse_html(page)))]
    assert texts == ["b", "g", "h", "i"]


def test_block_context_is_the_same_for_every_segment_of_a_block() -> None:
    """Segments of one block (split by ``<br><br>``) share the cached context, computed as for the first."""
    segs = segment_html(clean_tree(parse_html(EDGE_PAGE)))
    split = [s for s in segs if s.text in ("Text", "after two breaks and one")]
    assert len(split) == 2
    first, second = split
    assert (first.path, first.class_dist, first.ancestors, first.kind) == (
        second.path, second.class_dist, second.ancestors, second.kind)
    assert first.path.endswith("p.lead")
    assert "hidden" not in " ".join(s.text for s in segs)
    assert "too short" not in " ".join(s.text for s in segs)


def test_key_value_hits_match_the_pattern_over_the_joined_text() -> None:
    texts = [s.text for page in _pages() for s in segment_html(clean_tree(parse_html(page)))]
    edge = ["Name", ": value", "Key:", "value", "x：値", "Name\n: value", "Key:\n\nvalue", "1 Key: v",
            "Key : ", ":", "Views: 12 : 3", "Tag: a\nTag: b", "a" * 31, ": x", "a" * 32, ": x"]
    edge += ["a" * k + tail for k in (29, 30, 31, 32) for tail in (": x", " : x", "\n: x")]  # the reach
    rng = np.random.default_rng(0)
    for sample in (texts, edge, edge[::-1], [t for t in edge for _ in range(2)]):
        for select in (np.ones(len(sample), dtype=bool), rng.random(len(sample)) < 0.5):
            assert np.array_equal(features_html._key_value_hits(sample, select),
                                  features_html._regex_hits(features_html._KEY_VALUE_M, sample, select))
