"""Helpers of the text-mode tests: split a hand-written fixture into its article and its junk lines."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TEMPLATES = ("text-template-harbour.txt", "text-template-garden.txt", "nato-scraped-page.txt")


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def article_and_junk(name: str) -> tuple[str, list[str], list[str]]:
    """(title, article paragraphs, junk lines) of a template page: the article is the run of sentence
    paragraphs right after the title line; everything after it is the template's junk."""
    lines = [line.strip() for line in read(name).splitlines() if line.strip()]
    title = lines[0]
    end = 1
    while end < len(lines) and lines[end].endswith((".", '."', "!", "?")) and len(lines[end].split()) >= 8:
        end += 1
    return title, lines[1:end], lines[end:]
