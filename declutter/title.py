"""The page's title: the page's own <title>/og:title matched against its first headings."""

from __future__ import annotations

import re

from declutter.segment_html import HtmlSegment
from declutter.segment_text import TextSegment

_SITE_SUFFIX = re.compile(r"\s+[|\-–—:·•»]\s+[^|\-–—:·•»]{2,60}$")


def html_title(stated: str | None, segments: list[HtmlSegment]) -> str | None:
    """Prefer an <h1> that the stated title contains (site names trimmed); else the stated title, trimmed."""
    headings = [s.text for s in segments[:400] if s.kind == "heading" and s.level == 1 and len(s.text) < 300]
    if stated:
        low = stated.lower()
        for h in headings:
            if h.lower() in low:
                return h
        trimmed = _SITE_SUFFIX.sub("", stated).strip()
        return trimmed or stated
    return headings[0] if headings else None


def text_title(segments: list[TextSegment]) -> str | None:
    """The first short line without sentence punctuation among the first few lines."""
    for s in segments[:5]:
        words = s.text.split()
        if 1 <= len(words) <= 25 and not s.text.rstrip().endswith((".", "!", "?", ",", ";")):
            return s.text
    return None
