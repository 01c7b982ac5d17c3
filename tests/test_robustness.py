"""Bad input gives an empty Document or a DeclutterError, never another error; huge and deep pages finish."""

from __future__ import annotations

import copy
import random

import pytest
from bs4 import BeautifulSoup
from conftest import read_bytes, read_text
from lxml import etree, html

import declutter
from declutter import DeclutterError, DecodeError, Document

ARTICLE_SENTENCE = "After eleven years without a crossing, the night ferry between Bergen"


def _is_empty(doc: Document) -> bool:
    return doc.blocks == [] and doc.text == "" and doc.removed == "" and doc.to_markdown() == ""


@pytest.mark.parametrize(
    "page", [b"", "", "   \n\t  ", b" \r\n\t ", b"\xef\xbb\xbf", "\ufeff  \n", "\x00\x00"]
)
def test_empty_and_whitespace_give_an_empty_document(page: str | bytes) -> None:
    assert _is_empty(declutter.clean(page))
    assert declutter.extract(page) == ""


@pytest.mark.parametrize(
    "page",
    [
        "<html><head><script>var a = '<p>not text</p>';</script></head><body><script>x()</script></body>",
        "<html><body><style>p { color: red }</style><noscript>Enable JavaScript</noscript></body></html>",
        "<html><body><!-- just a comment --></body></html>",
        "<html><head><title>Only a title</title></head><body></body></html>",
        "<div hidden>Hidden text</div><p aria-hidden='true'>Also hidden</p>",
        "<div style='display: none'>Hidden by an inline style</div>",
        "<!-- only a comment -->",
    ],
)
def test_pages_without_visible_text_give_an_empty_document(page: str) -> None:
    doc = declutter.clean(page)
    assert doc.blocks == [] and doc.text == ""
    assert doc.input_kind == "html"


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\nstream\n\x00\x01\x02\xff\xfe",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xcbH\xcd\xc9\xc9\x07\x00",
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00",
        bytes(range(256)) * 40,
        random.Random(7).randbytes(20_000),
    ],
    ids=["pdf", "png", "gzip", "zip", "all-bytes", "random"],
)
def test_binary_input_raises_decode_error(data: bytes) -> None:
    with pytest.raises(DecodeError):
        declutter.clean(data)
    assert issubclass(DecodeError, DeclutterError)


def test_pdf_bytes_raise_even_with_an_explicit_kind() -> None:
    with pytest.raises(DeclutterError):
        declutter.clean(b"%PDF-1.4\n" + bytes(range(256)) * 10, input_kind="text")


@pytest.mark.parametrize("page", [None, 42, 3.5, ["<p>a</p>"], {"html": "<p>a</p>"}, object(), True])
def test_wrong_types_raise_declutter_error(page: object) -> None:
    with pytest.raises(DeclutterError, match="unsupported input type"):
        declutter.clean(page)


@pytest.mark.parametrize("cut", [10, 200, 1000, 2500, 4000])
def test_truncated_pages_still_give_their_text(cut: int) -> None:
    data = read_bytes("article.html")[:cut]
    doc = declutter.clean(data)
    assert isinstance(doc, Document)
    assert "dataLayer" not in doc.text + doc.removed


def test_truncated_page_keeps_what_arrived() -> None:
    data = read_bytes("article.html")
    cut = data[: data.index(b"The route was abandoned") + 40]
    everything = "\n".join(b.text for b in declutter.clean(cut).blocks)
    assert ARTICLE_SENTENCE in everything
    assert "The route was abandoned" in everything


@pytest.mark.parametrize(
    "page",
    [
        "<p>lone \ud800 surrogate in a sentence.</p><p>and another \udfff one</p>",
        "lone \udc80 surrogate in plain text that is long enough to read.",
        "<p>NUL\x00 bytes\x00 inside</p><p>and control \x01\x02\x1b chars \x0b\x0c too</p>",
        "<p>non-characters \ufffe and \uffff in a page</p>",
        "plain\x00text with NUL and \x07 bell characters in it.",
    ],
)
def test_invalid_characters_never_crash_and_never_reach_output(page: str) -> None:
    doc = declutter.clean(page)
    out = doc.text + doc.removed + doc.to_json() + doc.to_markdown()
    out.encode("utf-8")  # no lone surrogate survives
    for bad in ("\x00", "\x01", "\x07", "\x0b", "\x1b", "\ufffe", "\uffff"):
        assert bad not in out
    assert any(word in out for word in ("surrogate", "bytes", "characters", "plain"))


def test_paired_surrogates_become_the_real_character() -> None:
    page = "<p>An emoji \ud83d\ude00 written as two code units in a sentence.</p>"
    doc = declutter.clean(page, threshold=0.0)
    assert "An emoji 😀 written" in doc.text


def test_nul_bytes_in_bytes_input_are_removed() -> None:
    doc = declutter.clean(b"<html><body><p>Text with a NUL\x00 byte inside a sentence.</p></body></html>",
                          threshold=0.0)
    assert "\x00" not in doc.text
    assert "NUL byte" in doc.text


@pytest.mark.parametrize("tag", ["div", "span", "section", "li"])
def test_ten_thousand_levels_of_nesting(tag: str) -> None:
    depth = 10_000
    opening = f"<ul><{tag}>" if tag == "li" else f"<{tag}>"
    closing = f"</{tag}></ul>" if tag == "li" else f"</{tag}>"
    page = (
        "<html><body><p>Before the deep part of the page comes this sentence.</p>"
        + opening * depth
        + "<p>The deepest sentence of the page sits here.</p>"
        + closing * depth
        + "<p>After the deep part of the page comes this sentence.</p></body></html>"
    )
    doc = declutter.clean(page.encode(), threshold=0.0)
    everything = "\n".join(b.text for b in doc.blocks)
    assert "The deepest sentence of the page sits here." in everything
    assert "After the deep part of the page comes this sentence." in everything


def test_deep_nesting_without_closing_tags() -> None:
    page = "<html><body>" + "<div><b>" * 10_000 + "Unclosed deep text of the page."
    doc = declutter.clean(page, threshold=0.0)
    assert "Unclosed deep text of the page." in doc.text


def test_deep_lxml_tree_input() -> None:
    root = html.Element("html")
    node = etree.SubElement(root, "body")
    for _ in range(10_000):
        node = etree.SubElement(node, "div")
    p = etree.SubElement(node, "p")
    p.text = "A sentence at the bottom of a very deep tree."
    doc = declutter.clean(root, threshold=0.0)
    assert "A sentence at the bottom of a very deep tree." in doc.text


def test_deep_bs4_tree_input() -> None:
    soup = BeautifulSoup("<div>" * 10_000 + "<p>A sentence under ten thousand divs.</p>" + "</div>" * 10_000,
                         "html.parser")
    doc = declutter.clean(soup, threshold=0.0)
    assert "A sentence under ten thousand divs." in doc.text


def test_twenty_megabyte_page() -> None:
    # Pages this big are mostly inline scripts, styles and data: URIs, with the article somewhere inside;
    # a single script over 10 MB needs lxml's huge_tree to parse at all.
    script = "<script>var blob = '" + "A" * 11_500_000 + "';</script>"
    image = '<img src="data:image/png;base64,' + "QUJD" * 1_500_000 + '">'
    style = "<style>" + ".c{color:red}" * 200_000 + "</style>"
    paragraphs = "".join(
        f"<p>Paragraph {i} of the long article says something useful about the harbour and the ferry.</p>"
        for i in range(300)
    )
    page = f"<html><head>{style}</head><body>{script}<article>{paragraphs}</article>{image}</body></html>"
    data = page.encode()
    assert len(data) > 20_000_000
    doc = declutter.clean(data)
    assert doc.input_kind == "html"
    assert len(doc.blocks) == 300
    assert "Paragraph 299 of the long article" in "\n".join(b.text for b in doc.blocks)
    assert "AAAA" not in doc.text + doc.removed


def test_input_over_the_size_limit_raises() -> None:
    with pytest.raises(DeclutterError, match="over the limit"):
        declutter.clean(b"<p>" + b"x" * 2000 + b"</p>", options=declutter.Options(max_input_size=1000))
    with pytest.raises(DeclutterError, match="over the limit"):
        declutter.clean("y" * 2000, options=declutter.Options(max_input_size=1000))


def test_bs4_tree_input_gives_the_same_text_as_the_string() -> None:
    page = read_text("article.html")
    soup = BeautifulSoup(page, "html.parser")
    doc = declutter.clean(soup)
    assert doc.input_kind == "html"
    assert ARTICLE_SENTENCE in doc.text
    assert doc.text == declutter.clean(page).text


def test_bs4_tag_input() -> None:
    soup = BeautifulSoup(read_text("article.html"), "html.parser")
    doc = declutter.clean(soup.find("article"), threshold=0.0)
    assert ARTICLE_SENTENCE in doc.text
    assert "Privacy policy" not in doc.text + doc.removed


def test_lxml_tree_input_gives_the_same_text_as_the_string() -> None:
    page = read_text("article.html")
    tree = html.document_fromstring(page)
    assert declutter.clean(tree).text == declutter.clean(page).text
    assert declutter.clean(tree.getroottree()).text == declutter.clean(page).text


def test_lxml_xml_element_input() -> None:
    xml = b"<html><body><p>An XML-parsed page still has a paragraph of text.</p></body></html>"
    root = etree.fromstring(xml)
    doc = declutter.clean(root, threshold=0.0)
    assert "An XML-parsed page still has a paragraph of text." in doc.text


def test_callers_trees_are_not_modified() -> None:
    page = read_text("article.html")
    soup = BeautifulSoup(page, "html.parser")
    tree = html.document_fromstring(page)
    before_soup = str(soup)
    before_tree = etree.tostring(tree)
    snapshot = copy.deepcopy(tree)
    declutter.clean(soup)
    declutter.clean(tree)
    declutter.clean(tree.find("body"))
    assert str(soup) == before_soup
    assert etree.tostring(tree) == before_tree
    assert etree.tostring(tree) == etree.tostring(snapshot)
    assert tree.find(".//script") is not None, "scripts are removed from a copy, not from the caller's tree"


@pytest.mark.parametrize("kind", ["auto", "html", "text"])
@pytest.mark.parametrize("seed", range(3))
def test_random_markup_soup_never_raises_anything_else(kind: str, seed: int) -> None:
    rng = random.Random(seed)
    pieces = ["<div>", "</div>", "<p>", "</p>", "<table>", "<td>", "<tr>", "</table>", "<a href='x'>", "</a>",
              "<br>", "<script>", "</script>", "<!--", "-->", "<![CDATA[", "]]>", "&amp;", "&#0;", "&#xD800;",
              "&bogus;", "<", ">", "\"", "'", "word ", "Sentence with words. ", "\n", "\n\n", "é", "\x00",
              "\ud800", "<?php ?>", "<!DOCTYPE html>", "<svg><g>", "</svg>", "<li>", "<h1>", "</h1>"]
    for _ in range(20):
        page = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 200)))
        for data in (page, page.encode("utf-8", "surrogatepass")):
            try:
                doc = declutter.clean(data, input_kind=kind)
            except DeclutterError:
                continue
            (doc.text + doc.to_json() + doc.to_markdown()).encode("utf-8")
