"""A cleaned lxml tree to text blocks, each with the DOM context the HTML features need.

One pass over start/end events (``etree.iterwalk``), so 10,000-level nesting costs no recursion. Block-level
elements start a new block; inline text joins the nearest open block; ``<br><br>`` splits a block; table rows
become one block each with cells joined by `` | ``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree, html

from declutter import xpaths

_WS = re.compile(r"[ \t\r\f\v\n\u00a0\u200b\u2028\u2029\ufeff]+")
_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
GROUPS: tuple[str, ...] = tuple(xpaths.CLASS_VOCAB)
_GROUP_BIT = {g: 1 << i for i, g in enumerate(GROUPS)}
_TOKEN_CACHE: dict[str, int] = {}
_TOKEN_CACHE_MAX = 200_000


def _token_bits(token: str) -> int:
    bits = _TOKEN_CACHE.get(token)
    if bits is None:
        bits = 0
        for group, words in xpaths.CLASS_VOCAB.items():
            for w in words:
                if (token == w) if len(w) <= 3 else (w in token):
                    bits |= _GROUP_BIT[group]
                    break
        if len(_TOKEN_CACHE) < _TOKEN_CACHE_MAX:
            _TOKEN_CACHE[token] = bits
    return bits


def class_bits(attr: str) -> int:
    """Bitmask of the vocabulary groups that an element's class and id words fall in."""
    bits = 0
    for tok in _TOKEN_SPLIT.split(_CAMEL.sub("-", attr).lower()):
        if tok:
            bits |= _token_bits(tok)
    return bits


@dataclass(slots=True)
class _Frame:
    tag: str
    bits: int
    label: str
    is_block: bool
    serial: int


@dataclass(slots=True)
class HtmlSegment:
    """One block of an HTML page with its DOM context (internal to the HTML path)."""

    text: str
    kind: str
    level: int
    tag: str
    path: str
    link_chars: int
    n_links: int
    context: frozenset[str]
    """Tags of all ancestors (from CONTEXT_TAGS)."""
    class_dist: tuple[int, ...]
    """Per vocabulary group: distance (in ancestors) to the nearest element whose class/id matches, or -1."""
    class_any: int
    """Bitmask of groups matched anywhere above the block."""
    depth: int
    container: int
    """Serial number of the nearest block ancestor above the block's own element: siblings share it."""
    block_serial: int
    n_images: int = 0
    heading_inside: bool = False
    extra: dict[str, float] = field(default_factory=dict)


class _Builder:
    __slots__ = ("images", "link_chars", "links", "parts", "pre")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.link_chars = 0
        self.links = 0
        self.images = 0
        self.pre = 0

    def add(self, text: str | None, in_link: bool) -> None:
        if not text:
            return
        self.parts.append(text)
        if in_link:
            self.link_chars += len(text.strip())

    def last_is_break(self) -> bool:
        for p in reversed(self.parts):
            if p == "\n":
                return True
            if p.strip():
                return False
        return False


def _frame_label(el: etree._Element, tag: str) -> str:
    ident = el.get("id")
    if ident:
        return f"{tag}#{ident.strip()[:40]}"
    cls = el.get("class")
    if cls:
        first = cls.split()
        if first:
            return f"{tag}.{first[0][:40]}"
    return tag


def _kind(stack: list[_Frame], block: _Frame) -> tuple[str, int]:
    tag = block.tag
    if tag in xpaths.HEADING_TAGS:
        return "heading", int(tag[1])
    if tag == "tr" or tag in xpaths.TABLE_CELL_TAGS:
        return "table", 0
    if tag in xpaths.CODE_TAGS:
        return "code", 0
    in_quote = any(f.tag == "blockquote" for f in stack)
    if tag in xpaths.LIST_ITEM_TAGS:
        return "list item", sum(1 for f in stack if f.tag in ("ul", "ol", "dl", "menu"))
    if in_quote:
        return "quote", 0
    if tag in xpaths.PARAGRAPH_TAGS:
        return "paragraph", 0
    return "other", 0


def segment_html(root: html.HtmlElement) -> list[HtmlSegment]:
    """Blocks of visible text in document order."""
    body = root.find("body")
    if body is None:
        body = root
    segments: list[HtmlSegment] = []
    stack: list[_Frame] = []
    block_stack: list[_Frame] = []
    cur = _Builder()
    link_depth = 0
    serial = 0
    context_tags = frozenset(xpaths.CONTEXT_TAGS)
    n_groups = len(GROUPS)

    def flush() -> None:
        nonlocal cur
        builder = cur
        cur = _Builder()
        if not builder.parts:
            return
        raw = "".join(builder.parts)
        if builder.pre:
            text = raw.strip("\n")
            if not text.strip():
                return
        else:
            text = _WS.sub(" ", raw).strip()
            if not text:
                return
        block = block_stack[-1] if block_stack else _Frame("body", 0, "body", True, 0)
        kind, level = _kind(stack, block)
        dist = [-1] * n_groups
        any_bits = 0
        for d, fr in enumerate(reversed(stack)):
            if fr.bits:
                any_bits |= fr.bits
                for gi in range(n_groups):
                    if dist[gi] < 0 and fr.bits >> gi & 1:
                        dist[gi] = d
        container = block_stack[-2].serial if len(block_stack) > 1 else 0
        segments.append(
            HtmlSegment(
                text=text,
                kind=kind,
                level=level,
                tag=block.tag,
                path=">".join(f.label for f in stack[-4:]),
                link_chars=min(builder.link_chars, len(text)),
                n_links=builder.links,
                context=frozenset(f.tag for f in stack if f.tag in context_tags),
                class_dist=tuple(dist),
                class_any=any_bits,
                depth=len(stack),
                container=container,
                block_serial=block.serial,
                n_images=builder.images,
            )
        )

    for event, el in etree.iterwalk(body, events=("start", "end")):
        tag = el.tag
        if not isinstance(tag, str):
            if event == "end":
                cur.add(el.tail, link_depth > 0)
            continue
        tag = tag.lower()
        if event == "start":
            serial += 1
            attr = el.get("class")
            ident = el.get("id")
            bits = class_bits(f"{attr or ''} {ident or ''}") if (attr or ident) else 0
            is_block = tag in xpaths.BLOCK_TAGS
            frame = _Frame(tag, bits, _frame_label(el, tag), is_block, serial)
            if is_block:
                if tag in xpaths.TABLE_CELL_TAGS and block_stack and block_stack[-1].tag == "tr":
                    is_block = frame.is_block = False
                    if cur.parts:
                        cur.parts.append(" | ")
                else:
                    flush()
                    block_stack.append(frame)
            stack.append(frame)
            if tag == "br":
                if cur.last_is_break():
                    flush()
                else:
                    cur.parts.append("\n")
            elif tag == "a":
                link_depth += 1
                cur.links += 1
            elif tag == "img":
                cur.images += 1
            elif tag == "pre":
                cur.pre += 1
            elif tag == "hr":
                flush()
            cur.add(el.text, link_depth > 0)
        else:
            frame = stack.pop() if stack else None
            if frame is not None and frame.is_block:
                flush()
                if block_stack:
                    block_stack.pop()
            if tag == "a":
                link_depth = max(0, link_depth - 1)
            cur.add(el.tail, link_depth > 0)
    flush()
    return segments
