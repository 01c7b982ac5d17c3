"""Features of HTML blocks: text statistics, DOM context, class/id vocabulary, position, neighbours, page.

Column order is ``FEATURES``; models name the columns they use.
"""

from __future__ import annotations

import math

import numpy as np

from declutter import patterns, xpaths
from declutter.segment_html import GROUPS, HtmlSegment
from declutter.stopwords import page_language, stopword_share, tokens

_TAGS = ("p", "div", "li", "td", "tr", "span", "a", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "dd", "dt",
         "blockquote", "section", "article", "body", "figcaption", "label", "th")
_KINDS = ("heading", "paragraph", "list item", "table", "code", "quote", "other")

_BASE = (
    "log_chars", "log_words", "stop_share", "link_density", "log_links", "terminal_punct", "title_case_share",
    "digit_share", "punct_share", "comma_share", "sentence_count", "key_value", "counter", "boilerplate_phrase",
    "date_like", "log_images", "depth", "heading_level",
)
_TAG_COLS = tuple(f"tag_{t}" for t in _TAGS)
_KIND_COLS = tuple(f"kind_{k.replace(' ', '_')}" for k in _KINDS)
_CTX_COLS = tuple(f"in_{t}" for t in xpaths.CONTEXT_TAGS)
_CLASS_COLS = tuple(f"cls_{g}" for g in GROUPS) + tuple(f"clsany_{g}" for g in GROUPS)
_NEIGH = (
    "pos", "pos_rev", "chars_before_share", "chars_after_share", "prev_log_words", "next_log_words",
    "prev_link_density", "next_link_density", "win_log_words", "win_link_density", "win_terminal",
    "container_blocks", "container_link_density", "container_log_chars", "container_share",
    "repeats_title", "repeats_earlier", "dist_best", "in_best_container",
)
_PAGE = ("page_log_blocks", "page_log_chars", "page_link_density", "page_has_article", "page_has_main")
FEATURES: tuple[str, ...] = _BASE + _TAG_COLS + _KIND_COLS + _CTX_COLS + _CLASS_COLS + _NEIGH + _PAGE

_CLASS_NEAR = 6  # distances beyond this count as "far"


def _row(seg: HtmlSegment, toks: list[str], lang: int) -> list[float]:
    s = seg.text
    n = len(s)
    words = s.split()
    n_words = len(toks)
    digits = sum(1 for c in s if c.isdigit())
    punct = sum(1 for c in s if not c.isalnum() and not c.isspace())
    caps = sum(1 for w in words if w[:1].isupper())
    row = [
        math.log1p(n),
        math.log1p(n_words),
        stopword_share(toks, lang),
        seg.link_chars / n if n else 0.0,
        math.log1p(seg.n_links),
        1.0 if patterns.TERMINAL.search(s) else 0.0,
        caps / len(words) if words else 0.0,
        digits / n if n else 0.0,
        punct / n if n else 0.0,
        s.count(",") / n_words if n_words else 0.0,
        float(len(patterns.SENTENCE_END.findall(s))),
        1.0 if n < 200 and patterns.KEY_VALUE.match(s) else 0.0,
        1.0 if n < 300 and patterns.COUNTER.search(s) else 0.0,
        1.0 if n < 300 and patterns.BOILERPLATE.search(s) else 0.0,
        1.0 if n < 200 and patterns.DATE.search(s) else 0.0,
        math.log1p(seg.n_images),
        float(seg.depth),
        float(seg.level if seg.kind == "heading" else 0),
    ]
    row.extend(1.0 if seg.tag == t else 0.0 for t in _TAGS)
    row.extend(1.0 if seg.kind == k else 0.0 for k in _KINDS)
    row.extend(1.0 if t in seg.context else 0.0 for t in xpaths.CONTEXT_TAGS)
    row.extend(float(d) if 0 <= d <= _CLASS_NEAR else float(_CLASS_NEAR + 1) for d in seg.class_dist)
    row.extend(1.0 if seg.class_any >> i & 1 else 0.0 for i in range(len(GROUPS)))
    return row


def html_features(segments: list[HtmlSegment], title: str | None = None) -> np.ndarray:
    """Feature matrix, one row per segment, columns in ``FEATURES`` order."""
    n = len(segments)
    if n == 0:
        return np.zeros((0, len(FEATURES)))
    toks = [tokens(s.text) for s in segments]
    lang = page_language(toks)
    base = np.array([_row(s, t, lang) for s, t in zip(segments, toks)], dtype=np.float64)
    chars = np.array([len(s.text) for s in segments], dtype=np.float64)
    links = np.array([s.link_chars for s in segments], dtype=np.float64)
    words = np.array([len(t) for t in toks], dtype=np.float64)
    ld = np.where(chars > 0, links / np.maximum(chars, 1.0), 0.0)
    terminal = base[:, _BASE.index("terminal_punct")]
    total = float(chars.sum()) or 1.0
    cum = np.cumsum(chars)
    lw = np.log1p(words)

    # Containers: blocks that share a parent block element (cards of a list, posts of a thread, a text body).
    cont_chars: dict[int, float] = {}
    cont_links: dict[int, float] = {}
    cont_n: dict[int, int] = {}
    for s, c, lk in zip(segments, chars, links):
        cont_chars[s.container] = cont_chars.get(s.container, 0.0) + c
        cont_links[s.container] = cont_links.get(s.container, 0.0) + lk
        cont_n[s.container] = cont_n.get(s.container, 0) + 1
    # The container with the most non-link text is the likeliest home of the main content.
    best = max(cont_chars, key=lambda k: cont_chars[k] - cont_links[k])
    best_idx = [i for i, s in enumerate(segments) if s.container == best]
    best_mid = best_idx[len(best_idx) // 2]

    title_key = patterns.normalise_line(title) if title else None
    seen: set[str] = set()
    neigh = np.zeros((n, len(_NEIGH)))
    idx = np.arange(n)
    neigh[:, 0] = idx / max(n - 1, 1)
    neigh[:, 1] = 1.0 - neigh[:, 0]
    neigh[:, 2] = (cum - chars) / total
    neigh[:, 3] = (total - cum) / total
    neigh[:, 4] = np.concatenate(([0.0], lw[:-1]))
    neigh[:, 5] = np.concatenate((lw[1:], [0.0]))
    neigh[:, 6] = np.concatenate(([0.0], ld[:-1]))
    neigh[:, 7] = np.concatenate((ld[1:], [0.0]))
    kernel = np.ones(5) / 5.0
    neigh[:, 8] = np.convolve(lw, kernel, mode="same")
    neigh[:, 9] = np.convolve(ld, kernel, mode="same")
    neigh[:, 10] = np.convolve(terminal, kernel, mode="same")
    for i, s in enumerate(segments):
        cc = cont_chars[s.container]
        neigh[i, 11] = math.log1p(cont_n[s.container])
        neigh[i, 12] = cont_links[s.container] / cc if cc else 0.0
        neigh[i, 13] = math.log1p(cc)
        neigh[i, 14] = cc / total
        key = patterns.normalise_line(s.text)
        neigh[i, 15] = 1.0 if title_key and key == title_key else 0.0
        neigh[i, 16] = 1.0 if key in seen else 0.0
        seen.add(key)
        neigh[i, 17] = (i - best_mid) / max(n, 1)
        neigh[i, 18] = 1.0 if s.container == best else 0.0

    page = np.zeros((n, len(_PAGE)))
    page[:, 0] = math.log1p(n)
    page[:, 1] = math.log1p(total)
    page[:, 2] = float(links.sum()) / total
    page[:, 3] = 1.0 if any("article" in s.context for s in segments) else 0.0
    page[:, 4] = 1.0 if any("main" in s.context for s in segments) else 0.0
    return np.hstack([base, neigh, page])
