"""What a page says about its own type (JSON-LD, og:type, microdata, CMS body classes), read before cleaning.

``clean_tree`` drops ``<head>`` and scripts, where these live, so they are read from the raw tree first. The
HTML model gets them as page-level features: a product page and an article treat a list of linked cards
differently.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree, html

from declutter import patterns, xpaths

HINT_TYPES: tuple[str, ...] = tuple(xpaths.PAGE_TYPE_HINTS)
_TYPE_OF = {word: group for group, words in xpaths.PAGE_TYPE_HINTS.items() for word in words}
_JSON_LD = etree.XPath(xpaths.JSON_LD)
_OG_TYPE = etree.XPath(xpaths.OG_TYPE)
_ITEMTYPE = etree.XPath(xpaths.ITEMTYPE)
_MAX_JSON_LD_CHARS = 200_000
_MAX_ITEMTYPES = 200


@dataclass(frozen=True, slots=True)
class PageHints:
    """Page types named by the page's metadata (``stated``) and by its ``<body>`` class/id (``body``)."""

    stated: frozenset[str] = frozenset()
    body: frozenset[str] = frozenset()


NO_HINTS = PageHints()


def _type_words(value: str) -> list[str]:
    """``https://schema.org/NewsArticle`` / ``og:product`` / ``"BlogPosting"`` -> lower-cased type names."""
    out = []
    for part in value.replace(",", " ").replace('"', " ").replace("[", " ").replace("]", " ").split():
        word = part.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1].lower()
        out.append(word)
        if word.startswith("og:"):
            out.append(word[3:])
    return out


def _stated(root: html.HtmlElement) -> frozenset[str]:
    words: list[str] = []
    budget = _MAX_JSON_LD_CHARS
    for block in _JSON_LD(root):
        block = str(block)[:budget]
        budget -= len(block)
        for m in patterns.JSON_LD_TYPE.finditer(block):
            words += _type_words(m.group(1))
        if budget <= 0:
            break
    for value in _OG_TYPE(root):
        words += _type_words(str(value))
    for value in _ITEMTYPE(root)[:_MAX_ITEMTYPES]:
        words += _type_words(str(value))
    return frozenset(_TYPE_OF[w] for w in words if w in _TYPE_OF)


def _body(root: html.HtmlElement) -> frozenset[str]:
    body = root.find("body")
    if body is None:
        return frozenset()
    attr = f"{body.get('class') or ''} {body.get('id') or ''}".lower()
    if not attr.strip():
        return frozenset()
    return frozenset(g for g, words in xpaths.BODY_CLASS_HINTS.items() if any(w in attr for w in words))


def page_hints(root: html.HtmlElement) -> PageHints:
    """The page's own statements of its type; call on the raw tree, before ``clean_tree``."""
    return PageHints(stated=_stated(root), body=_body(root))
