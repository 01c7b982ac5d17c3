"""Plain text to blocks: one block per non-empty line, with the paragraph structure kept.

Scraped text puts each block of the page on its own line (WET files, extractor output), so a line is the
natural unit: a link list becomes a run of short lines, and an author box a run of "Key: value" lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BULLET = re.compile(r"^(?:[-*•·▪►▸‣◦]\s+|\(?\d{1,3}[.)]\s+|[a-zA-Z][.)]\s+)")
_MD_HEADING = re.compile(r"^(#{1,6})\s+\S")
_QUOTE = re.compile(r"^>\s?")
_TABLE = re.compile(r"^\|.*\|\s*$|\S\s*\|\s*\S.*\|")
_TERMINAL = re.compile(r"[.!?…:;。！？」』）)\"'”’]$")


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
    m = _MD_HEADING.match(stripped)
    if m:
        return "heading", len(m.group(1))
    if _BULLET.match(stripped):
        return "list item", 1
    if _QUOTE.match(stripped):
        return "quote", 0
    if len(line) - len(line.lstrip(" ")) >= 4 and not new_paragraph:
        return "code", 0
    if stripped.count("|") >= 2 and _TABLE.search(stripped):
        return "table", 0
    words = stripped.split()
    if (
        new_paragraph
        and blank_after
        and 1 <= len(words) <= 14
        and not _TERMINAL.search(stripped)
        and stripped[0].isupper()
    ):
        return "heading", 2
    return "paragraph", 0


def segment_text(text: str) -> list[TextSegment]:
    """Blocks in page order; blank lines only mark paragraph breaks."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    segments: list[TextSegment] = []
    blank_before = True
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            blank_before = True
            if segments:
                segments[-1].blank_after = True
            continue
        segments.append(
            TextSegment(
                text=stripped,
                kind="paragraph",
                level=0,
                line_no=i,
                new_paragraph=blank_before,
                blank_after=False,
                indent=len(line) - len(line.lstrip()),
            )
        )
        blank_before = False
    if segments:
        segments[-1].blank_after = True
    for seg, line in zip(segments, (lines[s.line_no] for s in segments), strict=True):
        seg.kind, seg.level = _kind(line, seg.text, seg.new_paragraph, seg.blank_after)
    return segments
