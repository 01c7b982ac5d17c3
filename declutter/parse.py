"""HTML text or a caller's tree to a cleaned lxml tree: invisible and non-text nodes removed."""

from __future__ import annotations

import copy
import re
from typing import Any

from lxml import etree, html

from declutter import xpaths
from declutter.errors import DeclutterError

_PARSER = html.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True, default_doctype=False)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_HIDDEN = etree.XPath(xpaths.HIDDEN)
_WS = re.compile(r"\s+")


def parse_html(text: str) -> html.HtmlElement:
    """Parse HTML that is already decoded; never raises for malformed markup."""
    text = _XML_DECL.sub("", text, count=1)
    try:
        root = html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError):
        root = None
    if root is None:
        root = html.document_fromstring("<html><body></body></html>", parser=_PARSER)
    return root


def adopt_tree(tree: Any) -> html.HtmlElement:
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


def page_title(root: html.HtmlElement) -> str | None:
    """The <title> (or og:title) text, as the page states it; the title guess proper is in label.py."""
    for path in xpaths.TITLE_SOURCES:
        for value in root.xpath(path):
            value = _WS.sub(" ", str(value)).strip()
            if value:
                return value
    return None


def clean_tree(root: html.HtmlElement) -> html.HtmlElement:
    """Drop what a reader never sees: scripts, styles, templates, forms' internals, hidden nodes."""
    etree.strip_elements(root, *xpaths.DROP_TAGS, with_tail=False)
    for el in _HIDDEN(root):
        _remove_keep_tail(el)
    return root


def _remove_keep_tail(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail and tail.strip():
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)
