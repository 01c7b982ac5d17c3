"""HTML text or a caller's tree to a cleaned lxml tree: invisible and non-text nodes removed."""

from __future__ import annotations

import copy
import re
from typing import Any

from lxml import etree, html

from declutter import xpaths
from declutter.decode import clean_chars
from declutter.errors import DeclutterError

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_HIDDEN_STYLES = xpaths.HIDDEN_STYLES
_ALWAYS_HIDDEN_CLASSES = xpaths.HIDDEN_CLASSES - {"hidden"}
_RESPONSIVE_SHOW = xpaths.RESPONSIVE_SHOW
_WS = re.compile(r"\s+")

#: libxml2 stops at 2048 levels even with huge_tree (256 without), dropping the rest of the page. Past that
#: depth, markup is flattened (see ``cap_depth``) to this many levels, well inside the parser's limit.
MAX_DEPTH = 512
_MARKUP = re.compile(
    r"<!--.*?(?:-->|\Z)|<(/?)([a-zA-Z][a-zA-Z0-9:_-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.S
)
_RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp", "plaintext", "noscript", "iframe"})
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
     "wbr", "keygen", "basefont", "bgsound", "frame", "image", "isindex", "nextid"}
)
#: Tags an opening tag of the same group closes implicitly (so they do not count as nesting).
_SELF_CLOSING_GROUPS: dict[str, str] = {
    "p": "p", "li": "li", "dt": "d", "dd": "d", "tr": "tr", "td": "cell", "th": "cell", "option": "option",
}


def _parser(encoding: str | None = None) -> etree.HTMLParser:
    """A plain ``etree`` HTML parser: ``lxml.html``'s parser builds the same tree but calls a Python class
    lookup for every element proxy, and nothing in declutter needs ``HtmlElement`` methods.

    One parser per call: a parser object holds per-document state and is not safe to share across threads.
    ``collect_ids=False``: nothing looks elements up by ``id``, and libxml2 otherwise copies every ``id``
    value into a hash table (and logs each duplicate) while parsing; the tree is the same.
    """
    return etree.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True, default_doctype=False,
                           encoding=encoding, collect_ids=False)


def parse_html(text: str, *, chars_clean: bool = False, utf8: bytes | None = None) -> etree._Element:
    """Parse HTML that is already decoded; never raises for bad markup, and any depth is parsed.

    ``chars_clean=True`` says the caller already ran ``clean_chars`` (a full scan of a large page); ``utf8``,
    if given, is ``text`` encoded as UTF-8 (``decode.repair`` has it), which spares an encode.
    """
    if not chars_clean:
        text, utf8 = clean_chars(text), None
    decl = _XML_DECL.match(text)
    if decl:
        text, utf8 = text[decl.end():], None
    root, too_deep = _parse(text, utf8)
    if too_deep:
        root, _ = _parse(cap_depth(text, MAX_DEPTH))
    return root if root is not None else etree.fromstring("<html><body></body></html>", _parser())


def _parse(text: str, utf8: bytes | None = None) -> tuple[etree._Element | None, bool]:
    """Parse UTF-8 bytes with the encoding forced: libxml2 reads them faster than a (UCS-4) ``str``.

    The forced encoding overrides any ``<meta charset>``, as parsing the decoded ``str`` does. Text that
    cannot be encoded (lone surrogates, only when the caller skipped ``clean_chars``) is parsed as ``str``.
    """
    try:
        data: str | bytes = text.encode("utf-8") if utf8 is None else utf8
        parser = _parser("utf-8")
    except UnicodeEncodeError:
        data = text
        parser = _parser()
    try:
        root = etree.fromstring(data, parser)  # what ``lxml.html.document_fromstring`` does, minus the lookup
    except (etree.ParserError, ValueError):
        root = None
    too_deep = any(e.type_name == "ERR_RESOURCE_LIMIT" or "depth" in e.message for e in parser.error_log
                   if e.level_name == "FATAL")
    return root, too_deep


def cap_depth(text: str, limit: int) -> str:
    """Drop the tags (never the text) that nest deeper than ``limit``; block tags leave a paragraph break.

    A linear scan with an explicit stack, so any depth costs no recursion. Depth is over-counted where HTML
    closes elements implicitly, which only flattens a little more than needed.
    """
    out: list[str] = []
    stack: list[tuple[str, bool]] = []  # (tag, kept)
    kept = 0
    pos = 0
    n = len(text)
    while pos < n:
        m = _MARKUP.search(text, pos)
        if m is None:
            out.append(text[pos:])
            break
        out.append(text[pos:m.start()])
        pos = m.end()
        closing, name = m.group(1), (m.group(2) or "").lower()
        if not name:  # a comment
            out.append(m.group(0))
            continue
        if closing:
            kept -= _close(stack, name, out, m.group(0))
            continue
        group = _SELF_CLOSING_GROUPS.get(name)
        if group is not None and stack and _SELF_CLOSING_GROUPS.get(stack[-1][0]) == group:
            kept -= stack.pop()[1]
        if name in _VOID or (m.group(3) or "").rstrip().endswith("/"):
            out.append(m.group(0))
            continue
        keep = kept < limit or name in ("html", "head", "body")
        out.append(m.group(0) if keep else _stand_in(name))
        stack.append((name, keep))
        kept += keep
        if name in _RAW_TEXT:
            pos = _skip_raw_text(text, pos, name, out)
    return "".join(out)


def _close(stack: list[tuple[str, bool]], name: str, out: list[str], tag: str) -> int:
    """Pop up to the matching open tag, emitting the closing tag if its opening was kept; count kept pops."""
    for i in range(len(stack) - 1, max(-1, len(stack) - 65), -1):
        if stack[i][0] == name:
            popped = stack[i:]
            del stack[i:]
            out.append(tag if popped[0][1] else _stand_in(name))
            return sum(1 for _, k in popped if k)
    out.append(tag)  # a stray closing tag: the parser ignores it
    return 0


def _stand_in(name: str) -> str:
    return "<br><br>" if name in xpaths.BLOCK_TAGS else " "


def _skip_raw_text(text: str, pos: int, name: str, out: list[str]) -> int:
    """Copy a script/style body verbatim: markup-like text inside it is not markup."""
    end = re.compile(rf"</{name}\s*>", re.I).search(text, pos)
    stop = end.start() if end else len(text)
    out.append(text[pos:stop])
    return stop


def adopt_tree(tree: Any) -> etree._Element:
    """Accept a bs4 ``BeautifulSoup``/``Tag`` or an lxml element; the caller's tree is never modified."""
    if isinstance(tree, etree._ElementTree):
        tree = tree.getroot()
    if isinstance(tree, etree._Element):
        root = copy.deepcopy(tree)
        if isinstance(root, html.HtmlElement):
            return root
        return parse_html(etree.tostring(root, encoding="unicode", method="html"))
    try:
        from bs4 import BeautifulSoup
        from bs4.element import Tag
    except ImportError:  # pragma: no cover - bs4 is a dependency
        raise DeclutterError(f"unsupported input type {type(tree).__name__}") from None
    if isinstance(tree, (BeautifulSoup, Tag)):
        return parse_html(str(tree))
    raise DeclutterError(
        f"unsupported input type {type(tree).__name__}: pass bytes, str, a bs4 tree or an lxml element"
    )


#: ``text()``: an element's own text nodes (a title's, as ``xpaths.TITLE_SOURCES`` read them; a script's).
TEXT_NODES = etree.XPath("text()")


def page_title(root: etree._Element) -> str | None:
    """The <title> (or og:title) text, as the page states it; the title guess proper is in label.py.

    The first non-empty value of ``xpaths.TITLE_SOURCES`` in order, found in one C-level walk over the
    document's ``<meta>`` and ``<title>`` elements instead of up to three XPath scans of every node.
    """
    head_title: str | None = None
    any_title: str | None = None
    for el in root.getroottree().getroot().iter("meta", "title"):  # "//" starts at the document
        if el.tag == "meta":
            if el.get("property") == "og:title":
                content = el.get("content")
                if content is not None and _in_head(el):
                    value = _WS.sub(" ", content).strip()
                    if value:
                        return value  # og:title comes first: nothing later can win
        elif head_title is None:  # once a <head> title is known, later titles cannot win
            in_head = _in_head(el)
            if any_title is not None and not in_head:
                continue
            for text in TEXT_NODES(el):
                value = _WS.sub(" ", str(text)).strip()
                if value:
                    any_title = any_title or value
                    if in_head:
                        head_title = value
                    break
    return head_title if head_title is not None else any_title


def _in_head(el: etree._Element) -> bool:
    parent = el.getparent()
    return parent is not None and parent.tag == "head"


def clean_tree(root: etree._Element) -> etree._Element:
    """Drop what a reader never sees and has no text: scripts, styles, templates, forms' internals.

    Hidden nodes (``hidden_class``, ``hidden_style``, ``hidden``/``aria-hidden``) are skipped by the segmenter
    in the same pass that reads the text.
    """
    etree.strip_elements(root, *xpaths.DROP_TAGS, with_tail=False)
    return root


#: Every class that ``hidden_class`` accepts holds one of these (the compiled walk checks them first).
HIDDEN_CLASS_HINTS = ("hidden", "sr-only", "screen-reader-text")


def hidden_class(value: str) -> bool:
    """Whether a class attribute hides its element (``xpaths.HIDDEN_CLASSES``, but a responsive ``hidden``
    is shown at some width)."""
    if any(w in value for w in HIDDEN_CLASS_HINTS):
        words = set(value.split())
        if words & _ALWAYS_HIDDEN_CLASSES:
            return True
        if "hidden" in words and not any(r in value for r in _RESPONSIVE_SHOW):
            return True
    return False


def hidden_style(value: str | None) -> bool:
    """Whether an inline style hides its element (``xpaths.HIDDEN_STYLES``)."""
    if not value:
        return False
    style = value.lower().replace(" ", "")
    for h in _HIDDEN_STYLES:  # noqa: SIM110 (a third of ``any`` over a generator's cost, on every style)
        if h in style:
            return True
    return False
