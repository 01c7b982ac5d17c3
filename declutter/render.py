"""Blocks to output formats: plain text lives on Document; markdown is here."""

from __future__ import annotations

import re

from declutter.document import Block

_MD_ESCAPE = str.maketrans({"|": "\\|"})
#: Markers a text page already carries (the text segmenter keeps them in the block text).
_BULLET = re.compile(r"^(?:[-*+•·▪►▸‣◦]\s+)")
_ORDERED = re.compile(r"^\(?(\d{1,3})[.)]\s+")
_HEADING_MARK = re.compile(r"^#{1,6}\s+")
_QUOTE_MARK = re.compile(r"^>\s?", re.M)
#: A paragraph starting like this would turn into a heading, list, quote or rule in markdown.
_LEADING_SYNTAX = re.compile(r"^(?=#{1,6}\s|[-*+]\s|>|\d{1,9}[.)]\s|(?:[-*_]\s*){3,}$|```|~~~)")


def to_markdown(blocks: list[Block], *, headings: bool = True, lists: bool = True, tables: bool = True,
                code: bool = True) -> str:
    """Markdown of content blocks; each structure can be switched off (then it renders as a paragraph)."""
    out: list[str] = []
    prev: Block | None = None
    for b in blocks:
        item = _render(b, prev, headings=headings, lists=lists, tables=tables, code=code)
        if prev is not None:
            tight = (
                (b.kind == prev.kind == "list item" and lists) or (b.kind == prev.kind == "table" and tables)
            ) and b.index == prev.index + 1
            out.append("\n" if tight else "\n\n")
        out.append(item)
        prev = b
    return "".join(out)


def _render(b: Block, prev: Block | None, *, headings: bool, lists: bool, tables: bool, code: bool) -> str:
    text = b.text
    if b.kind == "heading" and headings:
        return f"{'#' * max(1, min(b.level or 2, 6))} {_HEADING_MARK.sub('', text)}"
    if b.kind == "list item" and lists:
        return _list_item(b)
    if b.kind == "table" and tables:
        return _table_row(b, prev)
    if b.kind == "code" and code:
        fence = "```"
        while fence in text:
            fence += "`"
        return f"{fence}\n{text}\n{fence}"
    if b.kind == "quote":
        return "> " + _QUOTE_MARK.sub("", text).replace("\n", "\n> ")
    return _escape_paragraph(text)


def _list_item(b: Block) -> str:
    indent = "  " * max(0, (b.level or 1) - 1)
    m = _ORDERED.match(b.text)
    if m:
        return f"{indent}{m.group(1)}. {b.text[m.end():]}"
    return f"{indent}- {_BULLET.sub('', b.text)}"


def _table_row(b: Block, prev: Block | None) -> str:
    cells = [c.strip().translate(_MD_ESCAPE) for c in b.text.strip().strip("|").split("|")]
    item = "| " + " | ".join(cells) + " |"
    continues = prev is not None and prev.kind == "table" and prev.index == b.index - 1
    if not continues:
        item += "\n|" + "---|" * len(cells)
    return item


def _escape_paragraph(text: str) -> str:
    """Keep a paragraph a paragraph: escape a leading character that markdown would read as syntax."""
    if not _LEADING_SYNTAX.match(text):
        return text
    m = re.match(r"\d+", text)
    if m:  # "1. " is escaped after the number: "1\. "
        return f"{m.group(0)}\\{text[m.end():]}"
    return "\\" + text
