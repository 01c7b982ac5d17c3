"""Recall: article paragraphs of text pages are kept whole, whatever junk surrounds them."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from _text_pages import TEMPLATES, article_and_junk, read

import declutter


def _word_f1(output: str, reference: str) -> float:
    out, ref = Counter(re.findall(r"\w+", output.lower())), Counter(re.findall(r"\w+", reference.lower()))
    overlap = sum((out & ref).values())
    if not overlap:
        return 0.0
    p, r = overlap / sum(out.values()), overlap / sum(ref.values())
    return 2 * p * r / (p + r)


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_article_paragraph_of_a_template_page_is_kept(name: str) -> None:
    _title, article, _junk = article_and_junk(name)
    kept = {b.text for b in declutter.clean(read(name), input_kind="text").content_blocks}
    assert len(article) >= 5
    missing = [p[:50] for p in article if p not in kept]
    assert not missing, f"{name}: dropped {missing}"


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_page_word_f1_against_its_article_is_high(name: str) -> None:
    title, article, _junk = article_and_junk(name)
    body = declutter.extract(read(name), input_kind="text").removeprefix(title)
    assert _word_f1(body, "\n\n".join(article)) >= 0.99


def test_clean_article_without_junk_is_kept_entirely() -> None:
    page = read("text-article-only.txt")
    doc = declutter.clean(page, input_kind="text")
    assert [b.text for b in doc.blocks[1:]] == [b.text for b in doc.content_blocks if b.index > 0]


def test_article_between_menu_and_footer_is_kept() -> None:
    doc = declutter.clean(read("text-menu-page.txt"), input_kind="text")
    kept = [b.text for b in doc.content_blocks]
    assert sum(1 for t in kept if t.startswith(("A small bakery", "The owners", "Judges praised"))) == 3


def test_favor_recall_keeps_at_least_balanced() -> None:
    page = read("text-template-harbour.txt")
    loose = declutter.clean(page, input_kind="text", favor="recall")
    balanced = declutter.clean(page, input_kind="text", favor="balanced")
    assert {b.index for b in loose.content_blocks} >= {b.index for b in balanced.content_blocks}
