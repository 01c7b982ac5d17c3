"""The compiled segmenter walk (``declutter._walk``) gives exactly what the Python walk gives.

The compiled walk reads libxml2's nodes itself, so everything lxml's element API does for the Python walk
has a case here: text and tails joined from several text nodes, comments and processing instructions whose
tails count, hidden elements (their tails count, their text does not), namespaced and CDATA trees handed in
by the caller, attributes with entities, text after ``</body>``, deep nesting, and trees from bs4.
"""

from __future__ import annotations

import random

import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURES
from lxml import etree

from declutter import segment_html as S
from declutter.decode import decode_bytes, repair
from declutter.parse import adopt_tree, clean_tree, parse_html

pytestmark = pytest.mark.skipif(S._walk_c is None, reason="declutter._walk is not built (no C compiler)")

EDGE_PAGES = [
    # tails after comments, a hidden link inside a link, hidden elements with text and tails
    """<html><body><div class="post">Lead <!-- c -->after comment <a href="#">in link
    <span hidden>secret</span> tail of hidden</a> tail of link
    <p style="display: none">gone</p>tail of hidden p <a aria-hidden="true">x</a>after
    <a href="#"><a class="sr-only">y</a>z</a></div></body></html>""",
    # tables, breaks, pre, hr, headings, lists, quotes, buttons with and without blocks, short noscript
    """<html><body><h2 id=" spaced id ">T</h2><table><tr><td>a</td><th>b</th></tr><tr><td>c</td></tr></table>
    <p>one<br>two<br><br>three<br> <br>four</p><pre>  keep\n   this  </pre><hr>
    <blockquote><p>q</p></blockquote><ul class="menu nav"><li>i1<ul><li>i2</li></ul></li></ul>
    <button>Buy</button><button><div>Block in a button</div></button><noscript>short</noscript>
    <noscript>""" + " ".join(["word"] * 40) + """</noscript></body></html>""",
    # attributes: entities, duplicates, empty, camelCase classes, itemprop/itemtype/role
    """<html><body><div class="a &amp; b" class="second" id="x&lt;y" role="main">r</div>
    <div class="" id="">e</div><section class="relatedPosts" itemprop="articleBody"
    itemtype="https://schema.org/Product">s<p>t</p>u</section><div hidden="">h</div>w</body></html>""",
    # text after </body>, inline text straight in body, unicode
    """<html><body>inline caf\u00e9 <b>bold</b> \u65e5\u672c\u8a9e<p>p</p>tail</body>after body</html>""",
    # no body at all
    """<p>one</p><p>two</p>""",
]


def _both(root: etree._Element) -> tuple[list[S.HtmlSegment], list[S.HtmlSegment]]:
    body = root.find("body")
    if body is None:
        body = root
    return S.segments_python(body), S._walk_c(body)


def _fixture_pages() -> list[str]:
    pages = list(EDGE_PAGES)
    for path in sorted(FIXTURES.glob("*.html")):
        text, _ = decode_bytes(path.read_bytes())
        pages.append(repair(text)[0])
    return pages


@pytest.mark.parametrize("page", _fixture_pages())
def test_compiled_walk_equals_python_walk_on_pages(page: str) -> None:
    python, compiled = _both(clean_tree(parse_html(page)))
    assert compiled == python
    assert python, "every page here has text"


def test_compiled_walk_equals_python_walk_on_uncleaned_tree_with_comments_and_pis() -> None:
    # clean_tree drops comments and PIs; a caller's tree may still have them, and their tails are text
    root = etree.fromstring(
        "<html><body><div>a<!--c-->b<?pi x?>c<p>d<!--e--></p>f</div></body></html>", etree.HTMLParser())
    python, compiled = _both(root)
    assert compiled == python
    assert [s.text for s in python] == ["abc", "d", "f"]


def test_compiled_walk_equals_python_walk_on_namespaced_xml_with_cdata_and_entities() -> None:
    xml = ('<!DOCTYPE html [<!ENTITY co "Company">]><html xmlns:x="urn:x"><body><div>A <![CDATA[cdata]]> B'
           '<x:p x:class="nav">ns &co; text</x:p><p class="menu">p</p>tail &co; end</div></body></html>')
    root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False))
    python, compiled = _both(root)
    assert compiled == python
    assert [s.text for s in python] == ["A cdata Bns text", "p", "tail end"]


def test_compiled_walk_equals_python_walk_on_bs4_tree() -> None:
    soup = BeautifulSoup("<html><body><nav><a href='/'>Home</a></nav><p>Body text here.</p></body></html>",
                         "html.parser")
    python, compiled = _both(clean_tree(adopt_tree(soup)))
    assert compiled == python


def test_compiled_walk_handles_deep_nesting_without_recursion() -> None:
    depth = 20_000
    root = etree.Element("html")
    node = etree.SubElement(root, "body")
    for _ in range(depth):
        node = etree.SubElement(node, "div")
    node.text = "deep"
    node.tail = "tail"
    python, compiled = _both(root)
    assert compiled == python
    assert [s.text for s in compiled] == ["deep", "tail"]


def test_segment_html_gives_the_same_blocks_with_either_walk(monkeypatch: pytest.MonkeyPatch) -> None:
    page = EDGE_PAGES[0] + EDGE_PAGES[1]
    compiled = S.segment_html(clean_tree(parse_html(page)))
    monkeypatch.setattr(S, "_walk_c", None)
    assert S.segment_html(clean_tree(parse_html(page))) == compiled


_FUZZ_TAGS = ("div", "p", "span", "a", "b", "li", "ul", "table", "tr", "td", "br", "hr", "pre", "h2", "img",
              "button", "noscript", "nav", "blockquote", "script", "svg", "select", "option")
_FUZZ_ATTRS = ('class="menu"', 'class="hidden"', 'class="sr-only x"', 'style="display:none"', "hidden",
               'aria-hidden="true"', 'id=" main "', 'role="navigation"', 'class="a &amp; b"', 'href="#"')
_FUZZ_TEXT = ("alpha", "  ", "\n", "caf\u00e9", "\u65e5\u672c", "&amp;", "&nbsp;", "<!-- c -->", "<?pi x?>")


def _random_markup(rng: random.Random, depth: int = 0) -> str:
    out = []
    for _ in range(rng.randint(0, 4)):
        if rng.random() < 0.35 or depth > 5:
            out.append(rng.choice(_FUZZ_TEXT))
            continue
        tag, attrs = rng.choice(_FUZZ_TAGS), " ".join(rng.sample(_FUZZ_ATTRS, rng.randint(0, 2)))
        close = "" if rng.random() < 0.08 else f"</{tag}>"  # unclosed tags too
        out.append(f"<{tag} {attrs}>" if tag in ("br", "hr", "img") else
                   f"<{tag} {attrs}>{_random_markup(rng, depth + 1)}{close}")
    return "".join(out)


def test_compiled_walk_equals_python_walk_on_random_markup() -> None:
    for seed in range(300):
        rng = random.Random(seed)
        page = f"<html><body>{_random_markup(rng)}</body>{'after' if seed % 5 == 0 else ''}</html>"
        for root in (clean_tree(parse_html(page)), etree.fromstring(page, etree.HTMLParser())):
            python, compiled = _both(root)
            assert compiled == python, page


_FUZZ_CHARS = (" ", "  ", "\t", "\n", "\r", "\u00a0", "\u200b", "\u2028", "\u2029", "\ufeff", "\u3000",
               "\u2003", "\u0085", "\u202f", "a", "Z", ".", "\u00e9", "\u65e5", "\U0001f600", "\u0301",
               "&amp;")


def test_compiled_walk_collapses_whitespace_as_the_python_walk() -> None:
    """Block text is collapsed in C (ASCII as ``str.split``, other text as the ``WS_CHARS`` regex and
    ``strip``): runs, leading and trailing spaces of every kind, in ASCII, Latin-1, BMP and astral text."""
    rng = random.Random(7)
    for _ in range(400):
        pieces = ["".join(rng.choice(_FUZZ_CHARS) for _ in range(rng.randint(0, 12))) for _ in range(4)]
        page = "<html><body><p>{}<b>{}</b>{}</p><div>{}</div></body></html>".format(*pieces)
        python, compiled = _both(parse_html(page))
        assert compiled == python, repr(page)
        # A caller's tree keeps what the parser normalises (\r, which libxml2 turns into \n).
        root = etree.Element("html")
        body = etree.SubElement(root, "body")
        for piece in pieces:
            etree.SubElement(body, "p").text = piece.replace("&amp;", "&")
        python, compiled = _both(root)
        assert compiled == python, repr(pieces)


def test_compiled_class_word_matching_equals_the_regex() -> None:
    """``_walk.token_bits`` (a trie walk in C) finds the vocabulary groups the look-ahead regex finds: in
    camelCase, upper case, glued and separated words, short words inside longer runs, and non-ASCII."""
    from declutter import _walk

    rng = random.Random(11)
    words = list(S._WORD_BITS)
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_:/.\u00e9\u0130"
    tokens = ["", "ad", "ad-slot", "header", "navBar", "NAVBAR", "relatedPosts", "posted", "x-ad", "ad2",
              "quizAd", "buzzNav", "aAd", "\u0130nfo-box", "sidebar\u00e9"]
    for _ in range(20_000):
        parts = []
        for _ in range(rng.randint(1, 4)):
            if rng.random() < 0.6:
                word = rng.choice(words)
                parts.append(rng.choice((word, word.capitalize(), word.upper())))
            else:
                parts.append("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4))))
        tokens.append("".join(p + rng.choice(("", "", "-", "_")) for p in parts))
    for token in tokens:
        assert _walk.token_bits(token) == S.token_bits_python(token), token
