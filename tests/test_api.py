"""The public API contract: what clean()/extract() return, the Document and Block fields, option checking."""

from __future__ import annotations

import dataclasses
import itertools
import json

import pytest
from conftest import read_bytes, read_text

import declutter
from declutter import Block, DeclutterError, Document, Options

ARTICLE_SENTENCES = (
    "After eleven years without a crossing, the night ferry between Bergen",
    "The route was abandoned in 2013 when the old vessel failed its inspection",
    "The new vessel is electric and carries half as many cars as its predecessor",
    "The captain, a former fisherman who grew up in Ålvik",
)
ARTICLE_JUNK = ("Privacy policy", "Subscribe to our newsletter", "Ten best hikes near the coast", "Sport")


@pytest.fixture(scope="module")
def doc() -> Document:
    return declutter.clean(read_bytes("article.html"))


def test_public_names_are_exported() -> None:
    for name in ("clean", "extract", "Document", "Block", "Options", "DeclutterError", "DecodeError"):
        assert hasattr(declutter, name), name
    assert isinstance(declutter.__version__, str) and declutter.__version__


def test_clean_returns_document_with_page_facts(doc: Document) -> None:
    assert isinstance(doc, Document)
    assert doc.input_kind == "html"
    assert doc.encoding == "utf-8"
    assert doc.title == "The Night Ferry Returns to the Fjord"
    assert 0.0 <= doc.threshold <= 1.0


def test_blocks_are_labelled_in_page_order(doc: Document) -> None:
    assert doc.blocks, "the article page has blocks"
    assert [b.index for b in doc.blocks] == list(range(len(doc.blocks)))
    for b in doc.blocks:
        assert isinstance(b, Block)
        assert b.text and b.text == b.text.strip()
        assert b.kind in declutter.document.BLOCK_KINDS
        assert b.label in ("content", "junk")
        assert 0.0 <= b.score <= 1.0
        assert isinstance(b.reasons, tuple) and all(isinstance(r, str) and r for r in b.reasons)
        assert b.is_content == (b.label == "content")


def test_text_is_content_blocks_joined_by_blank_lines(doc: Document) -> None:
    assert doc.text == "\n\n".join(b.text for b in doc.content_blocks)
    assert doc.removed == "\n\n".join(b.text for b in doc.junk_blocks)


def test_text_keeps_article_and_drops_page_furniture(doc: Document) -> None:
    for sentence in ARTICLE_SENTENCES:
        assert sentence in doc.text
    paragraphs = doc.text.split("\n\n")
    for junk in ARTICLE_JUNK:
        assert junk not in paragraphs and all(junk not in p for p in paragraphs), junk
        assert junk in doc.removed


def test_scripts_and_styles_never_reach_blocks(doc: Document) -> None:
    everything = doc.text + doc.removed
    assert "dataLayer" not in everything
    assert "not text" not in everything
    assert "color: red" not in everything


def test_extract_equals_clean_text() -> None:
    page = read_bytes("article.html")
    assert declutter.extract(page) == declutter.clean(page).text
    assert declutter.extract(page, favor="recall") == declutter.clean(page, favor="recall").text


def test_to_dict_is_json_ready(doc: Document) -> None:
    d = doc.to_dict()
    assert set(d) >= {"title", "text", "input_kind", "encoding", "url", "threshold", "blocks"}
    assert d["text"] == doc.text
    assert len(d["blocks"]) == len(doc.blocks)
    first = d["blocks"][0]
    assert set(first) >= {"index", "text", "kind", "score", "label", "reasons"}
    assert "blocks" not in doc.to_dict(blocks=False)


def test_to_json_round_trips_and_keeps_unicode(doc: Document) -> None:
    s = doc.to_json()
    assert "Ålvik" in s, "non-ASCII text is written as is, not as \\u escapes"
    assert json.loads(s) == json.loads(json.dumps(doc.to_dict()))
    assert "\n" in doc.to_json(indent=2)


def test_url_option_is_recorded() -> None:
    d = declutter.clean("<p>Hello there, this is a page.</p>", url="https://example.org/a")
    assert d.url == "https://example.org/a"
    assert d.to_dict()["url"] == "https://example.org/a"


def _structured() -> Document:
    return declutter.clean(read_bytes("structured.html"), threshold=0.0)


def test_markdown_renders_headings_lists_tables_and_code() -> None:
    md = _structured().to_markdown()
    assert "# How to Brew Tea at Home" in md.splitlines()
    assert "## What you need" in md.splitlines()
    assert "- Fresh, cold water from the tap, which holds more oxygen than water that has boiled" in md
    assert "| Tea | Water temperature | Minutes |\n|---|---|---|\n| Black | 95 degrees | 4 |" in md
    assert "```\ntimes = [4, 2, 3]\nprint(sum(times) / len(times))\n```" in md
    assert "> Tea is drunk to forget the din of the world" in md


def test_markdown_structures_can_be_switched_off() -> None:
    doc = _structured()
    md = doc.to_markdown(headings=False, lists=False, tables=False, code=False)
    lines = md.splitlines()
    assert "How to Brew Tea at Home" in lines
    assert not any(line.startswith(("#", "- ", "|", "```")) for line in lines)
    assert "Black | 95 degrees | 4" in md


def test_markdown_escapes_paragraphs_that_look_like_syntax() -> None:
    doc = Document(blocks=[Block(text="# not a heading", label="content"),
                           Block(text="1. not a list", label="content", index=1)])
    assert doc.to_markdown() == "\\# not a heading\n\n1\\. not a list"


def test_markdown_of_text_input_does_not_double_markers() -> None:
    page = "Shopping list for the week ahead of us.\n\n- apples from the market\n- bread from the baker\n"
    doc = declutter.clean(page, input_kind="text", threshold=0.0)
    md = doc.to_markdown()
    assert "- apples from the market" in md
    assert "- - " not in md


def test_markdown_of_text_headings_and_quotes_keeps_one_marker() -> None:
    doc = Document(blocks=[Block(text="## Local news", kind="heading", level=2, label="content"),
                           Block(text="> A quoted line", kind="quote", label="content", index=1)])
    assert doc.to_markdown() == "## Local news\n\n> A quoted line"


def test_text_input_is_detected_and_scored() -> None:
    doc = declutter.clean(read_text("plain-article.txt"))
    assert doc.input_kind == "text"
    assert doc.encoding is None, "str input has no encoding"
    assert "The village library reopened on Monday" in doc.text
    assert "Cheap Flights To Lisbon" not in doc.text


@pytest.mark.parametrize("kind", ["html", "text"])
def test_input_kind_option_overrides_sniffing(kind: str) -> None:
    page = "<p>A short page about the weather in the hills today.</p>"
    assert declutter.clean(page, input_kind=kind).input_kind == kind


def test_options_object_and_keywords_agree() -> None:
    page = read_bytes("article.html")
    opts = Options(favor="precision")
    assert declutter.clean(page, options=opts).text == declutter.clean(page, favor="precision").text
    # keywords given with an options object override it
    assert declutter.clean(page, options=opts, threshold=0.0).threshold == 0.0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"favor": "everything"},
        {"input_kind": "pdf"},
        {"threshold": 1.5},
        {"threshold": -0.1},
        {"threshold": float("nan")},
        {"threshold": "0.5"},
        {"threshold": True},
        {"url": 42},
        {"encoding": b"utf-8"},
    ],
)
def test_bad_options_raise_declutter_error(kwargs: dict[str, object]) -> None:
    with pytest.raises(DeclutterError):
        declutter.clean("<p>text</p>", **kwargs)


def test_options_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        declutter.clean("<p>text</p>", "html")  # type: ignore[misc]


def test_options_must_be_an_options_object() -> None:
    with pytest.raises(DeclutterError):
        declutter.clean("<p>text</p>", options={"favor": "recall"})  # type: ignore[arg-type]


def test_options_are_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Options().favor = "recall"  # type: ignore[misc]


def _kept(doc: Document) -> set[int]:
    return {b.index for b in doc.content_blocks}


@pytest.mark.parametrize(
    "name", ["article.html", "structured.html", "plain-article.txt", "nato-scraped-page.txt"]
)
def test_higher_threshold_never_keeps_more_blocks(name: str) -> None:
    page = read_bytes(name)
    kept = [_kept(declutter.clean(page, threshold=t)) for t in (0.0, 0.2, 0.4, 0.5, 0.6, 0.8, 1.0)]
    for lower, higher in itertools.pairwise(kept):
        assert higher <= lower


@pytest.mark.parametrize("name", ["article.html", "plain-article.txt", "nato-scraped-page.txt"])
def test_favor_orders_recall_balanced_precision(name: str) -> None:
    page = read_bytes(name)
    docs = {f: declutter.clean(page, favor=f) for f in ("recall", "balanced", "precision")}
    assert docs["recall"].threshold <= docs["balanced"].threshold <= docs["precision"].threshold
    assert _kept(docs["precision"]) <= _kept(docs["balanced"]) <= _kept(docs["recall"])


def test_kept_blocks_score_at_least_the_threshold() -> None:
    page = read_bytes("article.html")
    for t in (0.3, 0.5, 0.9, 1.0):
        doc = declutter.clean(page, threshold=t)
        assert all(b.score >= t for b in doc.content_blocks)


def test_explicit_threshold_is_reported() -> None:
    assert declutter.clean(read_bytes("article.html"), threshold=0.73).threshold == pytest.approx(0.73)
