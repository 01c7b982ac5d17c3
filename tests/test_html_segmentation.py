"""HTML segmentation: blocks, DOM context and robustness on hand-written fixtures (no shared data)."""

from __future__ import annotations

from pathlib import Path

import pytest

from declutter.parse import clean_tree, parse_html
from declutter.segment_html import GROUPS, class_bits, segment_html

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _segments(markup: str):
    return segment_html(clean_tree(parse_html(markup)))


def _fixture(name: str):
    return _segments((FIXTURES / name).read_text(encoding="utf-8"))


def _bit(group: str) -> int:
    return 1 << GROUPS.index(group)


def test_recall_block_elements_become_blocks_and_inline_text_joins() -> None:
    segs = _segments("<body><h1>Title</h1><p>One <b>bold</b> <a href='#'>link</a> end.</p><ul><li>a</li>"
                     "<li>b</li></ul></body>")
    assert [(s.kind, s.text) for s in segs] == [
        ("heading", "Title"), ("paragraph", "One bold link end."), ("list item", "a"), ("list item", "b")]
    assert segs[0].level == 1
    assert segs[1].n_links == 1 and segs[1].link_chars == len("link")


def test_recall_table_rows_one_block_each_cells_joined() -> None:
    segs = _fixture("html-malformed.html")
    rows = [s.text for s in segs if s.kind == "table"]
    assert rows == ["Cell one | Cell two", "Head | Value"]


def test_recall_double_break_splits_a_block() -> None:
    texts = [s.text for s in _fixture("html-malformed.html")]
    assert "Line one line two" in texts
    assert "after a double break" in texts


def test_recall_text_inside_an_unclosed_button_is_kept() -> None:
    texts = " ".join(s.text for s in _fixture("html-malformed.html"))
    assert "This paragraph sits inside a button" in texts
    assert "second unclosed item" in texts


def test_precision_plain_buttons_and_hidden_nodes_are_dropped() -> None:
    texts = " ".join(s.text for s in _fixture("html-article.html"))
    assert "Menu" not in texts.split()
    assert "Sign up" not in texts
    assert "We use cookies" not in texts  # style="display: none"
    malformed = " ".join(s.text for s in _fixture("html-malformed.html"))
    assert "Never shown" not in malformed


def test_recall_responsive_hidden_utility_class_is_shown() -> None:
    texts = " ".join(s.text for s in _fixture("html-malformed.html"))
    assert "Shown on desktop screens" in texts


def test_precision_context_and_class_vocabulary_mark_page_regions() -> None:
    segs = {s.text: s for s in _fixture("html-article.html")}
    nav = segs["News"]
    para = next(s for t, s in segs.items() if t.startswith("Tide pools look fragile"))
    assert nav.class_any & _bit("nav")
    assert para.class_any & _bit("content")
    assert not para.class_any & _bit("nav")
    footer = segs["Privacy Policy | Terms of Use"]
    assert footer.class_any & _bit("footer")


def test_class_vocabulary_short_words_match_whole_tokens_only() -> None:
    assert class_bits("ad-slot") & _bit("ad")
    assert not class_bits("shadow-lg") & _bit("ad")
    assert class_bits("siteNavigation") & _bit("nav")
    assert class_bits("related-posts") & _bit("aside")


def test_repeated_siblings_are_counted() -> None:
    segs = _fixture("html-forum.html")
    post = next(s for s in segs if s.text.startswith("Three weeks in the fridge"))
    assert post.repeat >= 3
    title = next(s for s in segs if s.kind == "heading")
    assert title.repeat == 1


def test_container_ranges_cover_their_blocks() -> None:
    segs = _fixture("html-article.html")
    for s in segs:
        for start, end in zip(s.ancestors, s.ancestor_ends, strict=True):
            assert start <= s.at <= end


def test_robustness_deep_nesting_does_not_recurse() -> None:
    depth = 10_000
    markup = "<body>" + "<div>" * depth + "<p>deep text</p>" + "</div>" * depth + "</body>"
    segs = _segments(markup)
    assert [s.text for s in segs] == ["deep text"]


@pytest.mark.parametrize("markup", ["", "<html></html>", "<body>   </body>", "<p>\u200b</p>", "<<<>>>"])
def test_robustness_empty_or_junk_markup_gives_no_blocks_or_text(markup: str) -> None:
    segs = _segments(markup or "<html/>")
    assert all(s.text.strip() for s in segs)
