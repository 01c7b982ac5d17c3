"""The seed page: a scraped article followed by a spam template (repeated title, link list, fake author box).

``extract()`` must return the whole article — the title line may stay — through "...to learn and train
alongside their allied counterparts." and nothing after it. Each junk line is checked on its own so a failure
names the line that leaked.
"""

from __future__ import annotations

import pytest
from conftest import read_bytes

import declutter

SEED = "nato-scraped-page.txt"
LAST_WORDS = 'to learn and train alongside their allied counterparts."'


def _split_seed() -> tuple[str, list[str], list[str]]:
    lines = read_bytes(SEED).decode("utf-8").splitlines()
    title = lines[0].strip()
    end = next(i for i, line in enumerate(lines) if line.rstrip().endswith(LAST_WORDS))
    paragraphs = [line.strip() for line in lines[1:end + 1] if line.strip()]
    junk = [line.strip() for line in lines[end + 1:] if line.strip()]
    return title, paragraphs, junk


TITLE, PARAGRAPHS, JUNK = _split_seed()


@pytest.fixture(scope="module")
def extracted() -> str:
    return declutter.extract(read_bytes(SEED))


def _body(text: str) -> str:
    """The extracted text without the title line, which may stay."""
    return text.removeprefix(TITLE).lstrip("\n")


def test_seed_fixture_is_what_the_tests_expect() -> None:
    assert TITLE.startswith("NATO Leader Highlights Programs")
    assert len(PARAGRAPHS) == 12
    assert PARAGRAPHS[0].startswith("Steps to secure NATO and aid Ukraine")
    assert JUNK[0] == TITLE and "Top Articles" in JUNK and "Latest Posts" in JUNK
    assert JUNK[-1].startswith("Introduction: My name is Carmelo Roob")


def test_seed_is_read_as_text(extracted: str) -> None:
    doc = declutter.clean(read_bytes(SEED))
    assert doc.input_kind == "text"
    assert doc.encoding == "utf-8"


def test_seed_extract_is_exactly_the_article(extracted: str) -> None:
    assert _body(extracted) == "\n\n".join(PARAGRAPHS)


def test_seed_extract_is_the_same_for_str_input(extracted: str) -> None:
    assert declutter.extract(read_bytes(SEED).decode("utf-8")) == extracted


def test_seed_extract_ends_with_the_last_article_sentence(extracted: str) -> None:
    assert extracted.endswith(LAST_WORDS)


def test_seed_title_appears_at_most_once_and_only_first(extracted: str) -> None:
    assert extracted.count(TITLE) <= 1
    if TITLE in extracted:
        assert extracted.startswith(TITLE + "\n\n")


@pytest.mark.parametrize("paragraph", PARAGRAPHS, ids=[p[:40] for p in PARAGRAPHS])
def test_seed_article_paragraph_is_kept_whole(extracted: str, paragraph: str) -> None:
    assert paragraph in extracted.split("\n\n")


@pytest.mark.parametrize("line", [j for j in JUNK if j != TITLE], ids=[j[:40] for j in JUNK if j != TITLE])
def test_seed_junk_line_is_removed(extracted: str, line: str) -> None:
    assert line not in extracted
