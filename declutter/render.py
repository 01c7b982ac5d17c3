"""Blocks to output formats: plain text lives on Document; markdown is here."""

from __future__ import annotations

from declutter.document import Block

_MD_ESCAPE = str.maketrans({"|": "\\|"})


def to_markdown(blocks: list[Block], *, headings: bool = True, lists: bool = True, tables: bool = True,
                code: bool = True) -> str:
    """Markdown of content blocks; each structure can be switched off (then it renders as a paragraph)."""
    out: list[str] = []
    prev: Block | None = None
    for b in blocks:
        text = b.text
        if b.kind == "heading" and headings:
            item = f"{'#' * max(1, min(b.level or 2, 6))} {text}"
        elif b.kind == "list item" and lists:
            indent = "  " * max(0, (b.level or 1) - 1)
            item = f"{indent}- {text}"
        elif b.kind == "table" and tables:
            cells = [c.strip().translate(_MD_ESCAPE) for c in text.split(" | ")]
            item = "| " + " | ".join(cells) + " |"
            continues = prev is not None and prev.kind == "table" and prev.index == b.index - 1
            if not continues:
                item += "\n|" + "---|" * len(cells)
        elif b.kind == "code" and code:
            item = f"```\n{text}\n```"
        elif b.kind == "quote":
            item = "> " + text.replace("\n", "\n> ")
        else:
            item = text
        if prev is not None:
            tight = (
                (b.kind == prev.kind == "list item" and lists) or (b.kind == prev.kind == "table" and tables)
            ) and b.index == prev.index + 1
            out.append("\n" if tight else "\n\n")
        out.append(item)
        prev = b
    return "".join(out)
