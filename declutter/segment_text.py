"""Plain text to blocks: one block per non-empty line, with the paragraph structure kept.

Scraped text puts each block of the page on its own line (WET files, extractor output), so a line is the
natural unit: a link list becomes a run of short lines, and an author box a run of "Key: value" lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BULLET = re.compile(r"^(?:[-*•·▪►▸‣◦]\s+|\(?\d{1,3}[.)]\s+|[a-zA-Z][.)]\s+)")
_MD_HEADING = re.compile(r"^(#{1,6})\s+\S")
_TABLE = re.compile(r"^\|.*\|\s*$|\S\s*\|\s*\S.*\|")
_TERMINAL = re.compile(r"[.!?…:;。！？」』）)\"'”’]$")
#: Characters a ``_BULLET`` match can start with, besides digits and an ASCII letter followed by ". " or ") ".
_BULLET_FIRST = frozenset("-*•·▪►▸‣◦(")


@dataclass(slots=True)
class TextSegment:
    """One line of a text page (internal to the text path)."""

    text: str
    kind: str
    level: int
    line_no: int
    new_paragraph: bool
    """True when a blank line (or the start of the page) comes before this line."""
    blank_after: bool
    """True when a blank line (or the end of the page) follows this line."""
    indent: int


def _kind(line: str, stripped: str, new_paragraph: bool, blank_after: bool) -> tuple[str, int]:
    """Kind and level of one non-empty line, from its markup (markdown, bullets, pipes, indentation) or shape.

    A regex runs only when the line's first characters allow it to match: most lines are prose, and the
    regex calls, not these tests, are what classifying a line costs.
    """
    first = stripped[0]
    if first == "#":
        m = _MD_HEADING.match(stripped)
        if m:
            return "heading", len(m.group(1))
    if (first in _BULLET_FIRST or first.isdigit() or stripped[1:2] in (".", ")")) and _BULLET.match(stripped):
        return "list item", 1
    if first == ">":  # a quote: "> text" or ">text"
        return "quote", 0
    if not new_paragraph and line.startswith("    "):
        return "code", 0
    if stripped.count("|") >= 2 and _TABLE.search(stripped):
        return "table", 0
    if (
        new_paragraph
        and blank_after
        and first.isupper()
        and not _TERMINAL.search(stripped, len(stripped) - 1)
        # At most 14 words; splitting off 15 at most says so without splitting a long paragraph.
        and len(stripped.split(maxsplit=14)) <= 14
    ):
        return "heading", 2
    return "paragraph", 0


def segment_text(text: str) -> list[TextSegment]:
    """Blocks in page order; blank lines only mark paragraph breaks."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    stripped = [line.strip() for line in lines]
    rows = [i for i, s in enumerate(stripped) if s]
    last = len(rows) - 1
    segments: list[TextSegment] = []
    for j, i in enumerate(rows):
        line = lines[i]
        # A blank line (or the page's start or end) sits between this line and the previous or next non-empty
        # one exactly when that one is not adjacent.
        new_paragraph = j == 0 or rows[j - 1] != i - 1
        blank_after = j == last or rows[j + 1] != i + 1
        kind, level = _kind(line, stripped[i], new_paragraph, blank_after)
        indent = len(line) - len(line.lstrip())
        segments.append(TextSegment(stripped[i], kind, level, i, new_paragraph, blank_after, indent))
    return segments
