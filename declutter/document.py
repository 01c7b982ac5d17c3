"""The two result types: a page's blocks, and the document they make."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

BlockKind = Literal["heading", "paragraph", "list item", "table", "code", "quote", "other"]
Label = Literal["content", "junk"]
InputKind = Literal["html", "text"]

BLOCK_KINDS: tuple[str, ...] = ("heading", "paragraph", "list item", "table", "code", "quote", "other")


@dataclass(slots=True)
class Block:
    """One text block of the page, in page order, with the scorer's verdict.

    ``score`` is a probability-like value in 0..1 that the block belongs to the main content;
    ``reasons`` are short tags naming the strongest evidence (shown by ``declutter --explain``).
    """

    text: str
    kind: str = "paragraph"
    score: float = 0.0
    label: str = "junk"
    reasons: tuple[str, ...] = ()
    index: int = 0
    level: int = 0
    """Heading level 1..6 for headings, list depth for list items, else 0."""
    tag: str | None = None
    """HTML tag the block came from (None for text input)."""
    path: str | None = None
    """A short DOM path of the block (HTML only), useful for debugging selectors."""
    new_paragraph: bool = True
    """Text input: False when the block continued the previous line without a blank line between."""

    @property
    def is_content(self) -> bool:
        return self.label == "content"

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "index": self.index,
            "text": self.text,
            "kind": self.kind,
            "score": round(float(self.score), 4),
            "label": self.label,
            "reasons": list(self.reasons),
        }
        if self.level:
            d["level"] = self.level
        if self.tag is not None:
            d["tag"] = self.tag
        if self.path is not None:
            d["path"] = self.path
        return d


@dataclass(slots=True)
class Document:
    """The result of :func:`declutter.clean`: every block, labelled, plus page-level facts."""

    blocks: list[Block] = field(default_factory=list)
    title: str | None = None
    input_kind: str = "text"
    encoding: str | None = None
    url: str | None = None
    threshold: float = 0.5

    @property
    def content_blocks(self) -> list[Block]:
        return [b for b in self.blocks if b.label == "content"]

    @property
    def junk_blocks(self) -> list[Block]:
        return [b for b in self.blocks if b.label != "content"]

    @property
    def text(self) -> str:
        """The article: content blocks, paragraphs separated by a blank line."""
        return _join(self.content_blocks)

    @property
    def removed(self) -> str:
        """Everything judged to be junk, in page order."""
        return _join(self.junk_blocks)

    def to_markdown(self, *, headings: bool = True, lists: bool = True, tables: bool = True,
                    code: bool = True) -> str:
        from declutter.render import to_markdown

        return to_markdown(self.content_blocks, headings=headings, lists=lists, tables=tables, code=code)

    def to_dict(self, *, blocks: bool = True) -> dict[str, Any]:
        d: dict[str, Any] = {
            "title": self.title,
            "text": self.text,
            "input_kind": self.input_kind,
            "encoding": self.encoding,
            "url": self.url,
            "threshold": self.threshold,
        }
        if blocks:
            d["blocks"] = [b.to_dict() for b in self.blocks]
        return d

    def to_json(self, *, blocks: bool = True, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(blocks=blocks), ensure_ascii=False, indent=indent)


def _join(blocks: list[Block]) -> str:
    parts: list[str] = []
    prev: Block | None = None
    for b in blocks:
        if prev is not None:
            contiguous = b.index == prev.index + 1 and not b.new_paragraph
            parts.append("\n" if contiguous else "\n\n")
        parts.append(b.text)
        prev = b
    return "".join(parts)
