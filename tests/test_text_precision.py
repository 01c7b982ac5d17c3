"""Precision: junk lines of text pages are removed — spam templates after an article, menus, link lists."""

from __future__ import annotations

import pytest
from _text_pages import TEMPLATES, article_and_junk, read

import declutter

#: Known miss of model 1.0.0: four link titles under a heading right after the title repeat score just above
#: the tail threshold (a tail margin of 0.4 removes them but costs 0.006 F1 on held-out pages).
_KNOWN_MISS = pytest.mark.xfail(reason="model 1.0.0 keeps the first link titles after the article",
                                strict=False)
_CASES = [pytest.param(n, marks=_KNOWN_MISS) if "harbour" in n else n for n in TEMPLATES]


@pytest.mark.parametrize("name", _CASES)
def test_every_template_line_after_the_article_is_removed(name: str) -> None:
    _title, article, junk = article_and_junk(name)
    doc = declutter.clean(read(name), input_kind="text")
    leaked = [b.text for b in doc.content_blocks if b.index > len(article)]
    assert len(doc.blocks) == 1 + len(article) + len(junk)
    assert not leaked, f"{name}: kept junk lines {leaked[:5]}"


@pytest.mark.parametrize("name", TEMPLATES)
def test_title_is_kept_at_most_once_and_only_at_the_top(name: str) -> None:
    title, _article, _junk = article_and_junk(name)
    text = declutter.extract(read(name), input_kind="text")
    assert text.count(title) <= 1
    if title in text:
        assert text.startswith(title)


def test_menu_link_list_and_footer_of_a_page_are_removed() -> None:
    doc = declutter.clean(read("text-menu-page.txt"), input_kind="text")
    kept = [b.text for b in doc.content_blocks]
    junk_lines = ("Home", "Sign in", "Subscribe to our newsletter", "Related stories", "Share on Facebook",
                  "Farmers Market Moves To Saturday", "Privacy policy", "Cookie settings")
    for junk in junk_lines:
        assert junk not in kept, junk


def test_favor_precision_keeps_no_more_than_balanced() -> None:
    page = read("text-menu-page.txt")
    strict = declutter.clean(page, input_kind="text", favor="precision")
    balanced = declutter.clean(page, input_kind="text", favor="balanced")
    assert {b.index for b in strict.content_blocks} <= {b.index for b in balanced.content_blocks}
