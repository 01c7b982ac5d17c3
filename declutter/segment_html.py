"""A cleaned lxml tree to text blocks, each with the DOM context the HTML features need.

One pass over the tree's start/end events, without recursion (10,000-level nesting is fine): in C by
``_walk.pyx`` when it is built, else by ``segments_python`` (``etree.iterwalk``); they share the per-block
helpers that are not hot (block kind, path labels, class words). Block-level elements start a new block;
inline text joins the nearest open block; ``<br><br>`` splits a block; table rows become one block each
with cells joined by `` | ``.

This is the HTML hot path: per element it does a few dict look-ups and integer ``|``; everything that can be
computed per block or per page is left to ``features_html`` (vectorised there).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat

from lxml import etree

from declutter import patterns, xpaths
from declutter._compiled import compiled
from declutter.parse import hidden_class, hidden_style

#: What a block's text collapses to one space: ASCII and HTML whitespace, no-break and zero-width spaces.
WS_CHARS = " \t\r\f\v\n\u00a0\u200b\u2028\u2029\ufeff"
_WS = re.compile(f"[{WS_CHARS}]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
GROUPS: tuple[str, ...] = tuple(xpaths.CLASS_VOCAB)
_GROUP_BIT = {g: 1 << i for i, g in enumerate(GROUPS)}
_N_GROUPS = len(GROUPS)
CONTEXT_BIT: dict[str, int] = {t: 1 << i for i, t in enumerate(xpaths.CONTEXT_TAGS)}
_LIST_TAGS = frozenset(("ul", "ol", "dl", "menu"))
_QUOTE_BIT = CONTEXT_BIT["blockquote"]
_CACHE_MAX = 200_000
#: ``HtmlElement.text_content`` for any element (parse_html builds plain ``etree`` elements).
_text_content = etree.XPath("string()", smart_strings=False)
_TOKEN_CACHE: dict[str, int] = {}
_ATTR_CACHE: dict[str, int] = {}
#: Block serials of this many nearest block ancestors are kept per block (container aggregates).
ANCESTOR_LEVELS = 3
#: Repetition of a block's ancestors is looked up this many block levels up.
REPEAT_LEVELS = 5


def _word_bits() -> dict[str, int]:
    """Group bits of each vocabulary word, plus those of the longer-than-3 words it starts with: where a word
    matches, those match too ("posted" holds "post"). Words of 3 letters or fewer must be a whole token
    (``_token_bits`` checks that), so they never match as the start of a longer word."""
    own: dict[str, int] = {}
    for g, words in xpaths.CLASS_VOCAB.items():
        for w in words:
            own[w] = own.get(w, 0) | _GROUP_BIT[g]
    closed = dict(own)
    for w in own:
        for v, v_bits in own.items():
            if len(v) > 3 and v != w and w.startswith(v):
                closed[w] |= v_bits
    return closed


_WORD_BITS = _word_bits()
#: The longest vocabulary word at every position of a token (a zero-width look-ahead, so matches overlap).
_VOCAB_AT = re.compile(f"(?=({patterns.trie_pattern(list(_WORD_BITS))}))")
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


@lru_cache(maxsize=1 << 14)
def _groups_of(bits: int) -> tuple[int, ...]:
    return tuple(gi for gi in range(_N_GROUPS) if bits >> gi & 1)


def token_bits_python(token: str) -> int:
    """Groups whose words occur in the token; a word of 3 letters or fewer only as a whole alphanumeric run
    ("ad" in "ad-slot", not in "header"). ``_walk.token_bits`` is its compiled twin."""
    low = _CAMEL.sub("-", token).lower()
    bits = 0
    for m in _VOCAB_AT.finditer(low):
        word = m.group(1)
        if len(word) <= 3:
            start = m.start()
            end = start + len(word)
            if (start and low[start - 1] in _ALNUM) or (end < len(low) and low[end] in _ALNUM):
                continue
        bits |= _WORD_BITS[word]
    return bits


def _token_bits(token: str) -> int:
    """``token_bits_python`` (or its compiled twin), cached. Sites name their classes differently, so most
    of a page's tokens are new to the cache and this matching is a large part of the segmenter's time."""
    bits = _match_token(token)
    if len(_TOKEN_CACHE) < _CACHE_MAX:
        _TOKEN_CACHE[token] = bits
    return bits


def class_bits(attr: str) -> int:
    """Bitmask of the vocabulary groups that an element's class/id/role words fall in.

    Cached per whole attribute string (a page repeats its card and row classes) and per whitespace-separated
    token (tokens recur across sites far more than whole strings).
    """
    bits = _ATTR_CACHE.get(attr)
    if bits is not None:
        return bits
    bits = 0
    get = _TOKEN_CACHE.get
    for tok in attr.split():
        b = get(tok)
        bits |= _token_bits(tok) if b is None else b
    if len(_ATTR_CACHE) < _CACHE_MAX:
        _ATTR_CACHE[attr] = bits
    return bits


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
    context: int
    """Bitmask of ancestor tags (``CONTEXT_BIT``)."""
    class_dist: tuple[int, ...]
    """Per vocabulary group: distance (in ancestors) to the nearest element whose class/id matches, or -1."""
    class_any: int
    """Bitmask of groups matched anywhere above the block."""
    own_bits: int
    """Groups matched by the block element itself."""
    depth: int
    ancestors: tuple[int, ...]
    """Serials of the nearest ``ANCESTOR_LEVELS`` block ancestors above the block's own element (0: none)."""
    ancestor_ends: tuple[int, ...]
    """Last serial inside each of ``ancestors``: blocks with serials in ``[start, end]`` are its subtree."""
    block_serial: int
    at: int
    """Element serial when the block was closed: non-decreasing in page order, in every ancestor's range."""
    repeat: int
    """Most siblings sharing tag and class with one of the block's nearest block ancestors (cards, posts)."""
    n_images: int = 0

    @property
    def container(self) -> int:
        return self.ancestors[0]


_Context = tuple[str, int, str, tuple[int, ...], int, tuple[int, ...], tuple[tuple[int, str, str], ...]]
"""(kind, level, path, class_dist, class_any, ancestors, repeat keys) of a block frame."""


class _Frame:
    __slots__ = (
        "_label", "bits", "context", "ctx", "depth", "el", "key", "lists", "serial", "tag",
    )

    def __init__(self, tag: str, bits: int, ctx: int, lists: int, serial: int,
                 key: tuple[int, str, str], el: etree._Element, depth: int) -> None:
        self.tag = tag
        self.depth = depth
        self.bits = bits
        self.ctx = ctx
        self.lists = lists
        self.serial = serial
        self.key = key
        self.el = el
        self._label: str | None = None
        self.context: _Context | None = None
        """Set by ``flush`` while the frame is the open block: the same for every segment it yields."""

    @property
    def label(self) -> str:
        if self._label is None:
            self._label = frame_label(self.tag, self.el.get("id"), self.el.get("class"))
        return self._label


def _last_is_break(parts: list[str]) -> bool:
    """Whether the block's last non-blank part is a ``<br>`` (so a second one ends the block)."""
    for p in reversed(parts):
        if p == "\n":
            return True
        if p.strip():
            return False
    return False


def frame_label(tag: str, ident: str | None, cls: str | None) -> str:
    """A block frame's step in a block's ``path``: ``tag#id``, else ``tag.first-class``, else ``tag``."""
    if ident:
        return f"{tag}#{ident.strip()[:40]}"
    if cls:
        first = cls.split()
        if first:
            return f"{tag}.{first[0][:40]}"
    return tag


def block_kind(tag: str, lists: int, ctx: int) -> tuple[str, int]:
    """A block's kind and level from its tag, its list nesting and its ancestors' context bits."""
    if tag in xpaths.HEADING_TAGS:
        return "heading", int(tag[1])
    if tag == "tr" or tag in xpaths.TABLE_CELL_TAGS:
        return "table", 0
    if tag in xpaths.CODE_TAGS:
        return "code", 0
    if tag in xpaths.LIST_ITEM_TAGS:
        return "list item", lists
    if ctx & _QUOTE_BIT:
        return "quote", 0
    if tag in xpaths.PARAGRAPH_TAGS:
        return "paragraph", 0
    return "other", 0


def segment_html(root: etree._Element) -> list[HtmlSegment]:
    """Blocks of visible text in document order.

    The segmenter is compiled (``declutter._walk``, built from ``_walk.pyx`` when the package is installed
    with a C compiler): it reads lxml's C nodes directly instead of making a Python object per element, and
    keeps the open blocks and each block's context in C. ``segments_python`` below does the same in Python,
    used when the extension is missing or ``DECLUTTER_PURE_PYTHON`` is set; tests hold the two to identical
    output.
    """
    body = root.find("body")
    if body is None:
        body = root
    return _walk_c(body) if _walk_c is not None else segments_python(body)


def segments_python(body: etree._Element) -> list[HtmlSegment]:
    """``segment_html`` of the ``<body>`` element, in Python (the compiled module's twin)."""
    segments, keys, sibling_count, ends, last = walk_python(body)
    _finish(segments, keys, sibling_count, ends, last)
    return segments


Walked = tuple[list[HtmlSegment], list[tuple[tuple[int, str, str], ...]], dict[tuple[int, str, str], int],
               dict[int, int], int]
"""(segments, their repeat keys, sibling counts, last serial inside each block, serial after the walk)."""


def block_text(raw: str, pre: int) -> str:
    """A block's collected text, whitespace collapsed (kept inside ``<pre>``); empty when nothing shows."""
    if pre:
        text = raw.strip("\n")
        return text if text.strip() else ""
    # ASCII text (most blocks) has no whitespace ``str.split`` and ``_WS`` disagree on (clean_chars removed
    # the \x1c-\x1f separators), and split/join is several times faster than the regex.
    return " ".join(raw.split()) if raw.isascii() else _WS.sub(" ", raw).strip()


def emit(segments: list[HtmlSegment], keys: list[tuple[tuple[int, str, str], ...]],
         block_stack: list[_Frame], marked: list[tuple[int, int]], text: str, link_chars: int, links: int,
         images: int, serial: int) -> None:
    """Add a segment of the open block (the top of ``block_stack``)."""
    block = block_stack[-1]
    ctx = block.context
    if ctx is None:
        # The stack below the open block and ``marked`` only change when blocks open or close, so the context
        # is computed once per block, however many segments it yields (``<br><br>`` splits, text after
        # nested blocks).
        ctx = block.context = _block_context(block_stack, marked)
    kind, level, path, dist, any_bits, anc, repeat_keys = ctx
    keys.append(repeat_keys)
    segments.append(HtmlSegment(
        text, kind, level, block.tag, path, min(link_chars, len(text)), links, block.ctx, dist, any_bits,
        block.bits, block.depth, anc, (), block.serial, serial, 0, images,
    ))


def walk_python(body: etree._Element) -> Walked:
    """The walk in Python: one pass over start/end events; names used per element are locals, the open
    block's counters are closure variables, and attributes are read one by one (``el.items()`` costs more
    than the rest of a step)."""
    segments: list[HtmlSegment] = []
    keys: list[tuple[tuple[int, str, str], ...]] = []
    sibling_count: dict[tuple[int, str, str], int] = {}
    ends: dict[int, int] = {}
    top = _Frame("body", 0, 0, 0, 0, (0, "", ""), body, 0)
    block_stack: list[_Frame] = [top]
    marked: list[tuple[int, int]] = []  # (block_stack index, bits) of blocks whose class/id matched
    parts: list[str] = []  # the open block's text
    append = parts.append
    link_chars = links = images = pre = 0  # the open block's counters, reset by flush
    link_depth = 0
    depth = 0
    serial = 0
    block_tags = xpaths.BLOCK_TAGS
    cell_tags = xpaths.TABLE_CELL_TAGS
    control_tags = xpaths.CONTROL_TAGS
    ctx_bit = CONTEXT_BIT
    _str = str

    def flush() -> None:
        nonlocal link_chars, links, images, pre
        text = block_text("".join(parts), pre)
        parts.clear()
        if text:
            emit(segments, keys, block_stack, marked, text, link_chars, links, images, serial)
        link_chars = links = images = pre = 0

    # Comments and processing instructions come as one event each; only their tails are text.
    walker = etree.iterwalk(body, events=("start", "end", "comment", "pi"))
    skip = walker.skip_subtree
    for event, el in walker:
        tag = el.tag
        if event == "start":
            if tag.__class__ is not _str:
                continue
            depth += 1
            serial += 1
            cls = el.get("class")
            if ((cls and hidden_class(cls)) or hidden_style(el.get("style"))
                    or el.get("hidden") is not None or el.get("aria-hidden") == "true"
                    or (tag in control_tags and next(el.iterdescendants(*block_tags), None) is None)
                    or (tag == "noscript" and len(_text_content(el).split()) < xpaths.NOSCRIPT_MIN_WORDS)):
                skip()
                continue
            if tag in block_tags:
                parent = block_stack[-1]
                if tag in cell_tags and parent.tag == "tr":
                    if parts:
                        append(" | ")
                else:
                    words = [v for v in (cls, el.get("id"), el.get("role"), el.get("itemprop"),
                                         el.get("itemtype")) if v]
                    bits = class_bits(" ".join(words)) if words else 0
                    key = (parent.serial, tag, cls or "")
                    sibling_count[key] = sibling_count.get(key, 0) + 1
                    if parts:
                        flush()
                    if bits:
                        marked.append((len(block_stack), bits))
                    block_stack.append(_Frame(tag, bits, parent.ctx | ctx_bit.get(tag, 0),
                                              parent.lists + (tag in _LIST_TAGS), serial, key, el, depth))
                    if tag == "pre":
                        pre += 1
                    elif tag == "hr" and parts:
                        flush()
            elif tag == "br":
                if _last_is_break(parts):
                    flush()
                else:
                    append("\n")
            elif tag == "a":
                link_depth += 1
                links += 1
            elif tag == "img":
                images += 1
            text = el.text
            if text and (parts or not text.isspace()):
                append(text)
                if link_depth:
                    link_chars += len(text.strip())
        else:
            if tag.__class__ is _str:
                depth -= 1
                if block_stack[-1].el is el:
                    if parts:
                        flush()
                    frame = block_stack.pop()
                    ends[frame.serial] = serial
                    if marked and marked[-1][0] == len(block_stack):
                        marked.pop()
                elif tag == "a" and link_depth:
                    link_depth -= 1
            tail = el.tail
            if tail and (parts or not tail.isspace()):
                append(tail)
                if link_depth:
                    link_chars += len(tail.strip())
    if parts:
        flush()
    return segments, keys, sibling_count, ends, serial + 1


def _finish(segments: list[HtmlSegment], keys: list[tuple[tuple[int, str, str], ...]],
            sibling_count: dict[tuple[int, str, str], int], ends: dict[int, int], last: int) -> None:
    """Fill in what is known only after the walk: sibling repetition and the ancestors' last serials.

    Serial 0 (no ancestor) ends at ``last``, as does an ancestor still open when the walk stopped.
    """
    ends[0] = last
    count = sibling_count.get
    end = ends.get
    for seg, ks in zip(segments, keys, strict=True):
        seg.repeat = max(map(count, ks, repeat(0))) if ks else 0
        seg.ancestor_ends = tuple(map(end, seg.ancestors, repeat(last)))


def _block_context(block_stack: list[_Frame], marked: list[tuple[int, int]]) -> _Context:
    """What a segment of the open block inherits from the blocks around it."""
    block = block_stack[-1]
    kind, level = block_kind(block.tag, block.lists, block.ctx)
    at = len(block_stack) - 1
    dist = [-1] * _N_GROUPS
    any_bits = 0
    for pos, bits in reversed(marked):
        fresh = bits & ~any_bits
        if fresh:
            any_bits |= bits
            d = at - pos
            for gi in _groups_of(fresh):
                dist[gi] = d
    anc = [f.serial for f in block_stack[-2:-2 - ANCESTOR_LEVELS:-1]]
    anc += [0] * (ANCESTOR_LEVELS - len(anc))
    path = ">".join([f._label or f.label for f in block_stack[-4:]])  # the property only for a new label
    return (kind, level, path, tuple(dist), any_bits, tuple(anc),
            tuple([f.key for f in block_stack[-1:-1 - REPEAT_LEVELS:-1]]))


_walk_module = compiled("_walk")  # here, not on top: it imports this module's helpers
_walk_c: Callable[[etree._Element], list[HtmlSegment]] | None = (
    None if _walk_module is None else _walk_module.segments)
_match_token: Callable[[str], int] = token_bits_python if _walk_module is None else _walk_module.token_bits
