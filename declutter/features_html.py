"""Features of HTML blocks: text statistics, DOM context, class/id vocabulary, position, neighbours, page.

Column order is ``FEATURES``; models name the columns they use. Everything is computed per page with numpy:
character classes come from the code points of all blocks at once, regexes run once over the joined page
text, and container (subtree) aggregates are cumulative sums looked up by serial ranges.
"""

from __future__ import annotations

import math
import re
from itertools import chain, repeat
from operator import attrgetter

import numpy as np

from declutter import patterns, xpaths
from declutter._numeric import shift as _shift
from declutter.hints import HINT_TYPES, NO_HINTS, PageHints
from declutter.segment_html import ANCESTOR_LEVELS, CONTEXT_BIT, GROUPS, HtmlSegment
from declutter.stopwords import stop_shares

_TAGS = ("p", "div", "li", "td", "tr", "span", "a", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "dd", "dt",
         "blockquote", "section", "article", "body", "figcaption", "label", "th", "ul", "header", "footer",
         "nav", "aside", "form", "main", "figure", "table")
_KINDS = ("heading", "paragraph", "list item", "table", "code", "quote", "other")

_BASE = (
    "log_chars", "log_words", "stop_share", "link_density", "log_links", "terminal_punct",
    "title_case_share", "digit_share", "punct_share", "comma_share", "sentence_count", "key_value", "counter",
    "boilerplate_phrase", "date_like", "log_images", "depth", "heading_level", "mean_word_len", "cjk_share",
    "url_like", "junk_heading", "log_repeat", "list_depth",
)
_TAG_COLS = tuple(f"tag_{t}" for t in _TAGS)
_KIND_COLS = tuple(f"kind_{k.replace(' ', '_')}" for k in _KINDS)
_CTX_COLS = tuple(f"in_{t}" for t in xpaths.CONTEXT_TAGS)
_CLASS_COLS = (tuple(f"cls_{g}" for g in GROUPS) + tuple(f"clsany_{g}" for g in GROUPS)
               + tuple(f"own_{g}" for g in GROUPS))
_ANC_STATS = ("log_blocks", "link_density", "log_chars", "share", "terminal", "log_words_mean")
_ANC_COLS = tuple(f"anc{k + 1}_{s}" for k in range(ANCESTOR_LEVELS) for s in _ANC_STATS)
_NEIGH = (
    "pos", "pos_rev", "chars_before_share", "chars_after_share", "prev_log_words", "next_log_words",
    "prev_link_density", "next_link_density", "win_log_words", "win_link_density", "win_terminal",
    "prev_heading", "next_heading", "repeats_title", "repeats_earlier", "log_copies", "after_title",
    "dist_title", "after_junk_heading", "dist_best", "in_best_container", "words_before_share",
    "best_share", "same_tag_run", "after_h1", "dist_h1", *(f"h1_anc{k + 1}" for k in range(ANCESTOR_LEVELS)),
)
_PAGE = ("page_log_blocks", "page_log_chars", "page_link_density", "page_has_article", "page_has_main",
         "page_has_language", "page_max_log_chars", "page_log_repeat_max", "page_comment",
         "page_terminal_share", "page_log_title_words", "page_has_h1",
         *(f"page_{src}_{g}" for src in ("stated", "body") for g in HINT_TYPES))
FEATURES: tuple[str, ...] = (_BASE + _TAG_COLS + _KIND_COLS + _CTX_COLS + _CLASS_COLS + _ANC_COLS + _NEIGH
                             + _PAGE)

_CLASS_NEAR = 6  # distances beyond this count as "far"
_TAG_ID = {t: i for i, t in enumerate(_TAGS)}
_KIND_ID = {k: i for i, k in enumerate(_KINDS)}
_WORD = re.compile(r"\w+")
_KEY_VALUE_M = re.compile(patterns.KEY_VALUE.pattern, patterns.KEY_VALUE.flags | re.M)
_KEY_MAX_CHARS = 300  # repetition keys: longer blocks are compared as they are
_SHORT = 120  # line patterns run only on blocks shorter than this (interface lines are short)


_COUNTER = patterns.for_lowered(patterns.COUNTER, patterns.COUNTER_STARTS)
_BOILERPLATE = patterns.for_lowered(patterns.BOILERPLATE)
_DATE = patterns.for_lowered(patterns.DATE, patterns.DATE_STARTS)
_URL = patterns.for_lowered(patterns.URL)
_JUNK_HEADING = patterns.for_lowered(patterns.HTML_JUNK_HEADING)
_TERMINAL_CHARS = frozenset(".!?…。！？")
_CLOSERS = "'\"”’»)]"
_CTX_IDS = tuple(CONTEXT_BIT[t] for t in xpaths.CONTEXT_TAGS)
_COMMENT_BIT = 1 << GROUPS.index("comment")
_NUMERIC_FIELDS = ("link_chars", "n_links", "repeat", "n_images", "depth", "level", "context", "class_any",
                   "own_bits", "at")
_NUMERIC = attrgetter(*_NUMERIC_FIELDS)
_TEXT = attrgetter("text")
_KIND = attrgetter("kind")
_TAG = attrgetter("tag")
_CLASS_DIST = attrgetter("class_dist")
_ANCESTORS = attrgetter("ancestors")
_ANCESTOR_ENDS = attrgetter("ancestor_ends")


def _segment_sums(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per-block sums of a per-character array (blocks are consecutive, non-empty slices)."""
    return np.add.reduceat(values, starts) if values.size else np.zeros(starts.size)


def _char_stats(texts: list[str]) -> dict[str, np.ndarray]:
    """Counts of character classes per block, from the code points of the joined page text."""
    joined = "\n".join(texts)
    cp = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
    space = (cp == 32) | (cp == 10) | (cp == 9)
    digit = (cp >= 48) & (cp <= 57)
    upper = ((cp >= 65) & (cp <= 90)) | ((cp >= 0xC0) & (cp <= 0xDE) & (cp != 0xD7))
    lower = ((cp >= 97) & (cp <= 122)) | ((cp >= 0xDF) & (cp <= 0x24F) & (cp != 0xF7))
    cjk = (((cp >= 0x3040) & (cp <= 0x30FF)) | ((cp >= 0x3400) & (cp <= 0x9FFF))
           | ((cp >= 0xAC00) & (cp <= 0xD7AF)))
    symbols = ((cp >= 0x2000) & (cp <= 0x2BFF)) | ((cp >= 0x3000) & (cp <= 0x303F))
    other_letter = (cp >= 0x250) & ~cjk & ~symbols
    alnum = digit | upper | lower | cjk | other_letter
    punct = ~alnum & ~space
    prev_space = np.concatenate(([True], space[:-1]))
    word_start = ~space & prev_space
    nxt_space = np.concatenate((space[1:], [True]))
    stops = (cp == 46) | (cp == 33) | (cp == 63) | (cp == 0x3002) | (cp == 0xFF01) | (cp == 0xFF1F)
    sent = stops & nxt_space
    return {
        "digit": _segment_sums(digit.astype(np.int32), starts),
        "punct": _segment_sums(punct.astype(np.int32), starts),
        "cjk": _segment_sums(cjk.astype(np.int32), starts),
        "caps": _segment_sums((upper & word_start).astype(np.int32), starts),
        "words": _segment_sums(word_start.astype(np.int32), starts),
        "comma": _segment_sums((cp == 44).astype(np.int32), starts),
        "sent": _segment_sums(sent.astype(np.int32), starts),
        "dot_colon": _segment_sums(((cp == 46) | (cp == 58)).astype(np.int32), starts),
        "lengths": lengths,
    }


def _regex_hits(pattern: re.Pattern[str], texts: list[str], select: np.ndarray) -> np.ndarray:
    """1.0 for the selected blocks where ``pattern`` matches, from one pass over their joined text."""
    out = np.zeros(len(texts))
    chosen = np.flatnonzero(select)
    if chosen.size == 0:
        return out
    parts = [texts[i] for i in chosen]
    starts = np.concatenate(([0], np.cumsum([len(t) + 1 for t in parts])[:-1]))
    pos = [m.start() for m in pattern.finditer("\n".join(parts))]
    if pos:
        out[chosen[np.searchsorted(starts, np.asarray(pos), side="right") - 1]] = 1.0
    return out


def _terminal(text: str) -> float:
    t = text.rstrip(_CLOSERS)
    return 1.0 if t and t[-1] in _TERMINAL_CHARS else 0.0


def _language_stats(texts: list[str]) -> tuple[np.ndarray, np.ndarray, bool, list[list[str]]]:
    """Word counts and stopword shares per block, stopwords of the page's best-covered language; and each
    block's lower-cased tokens."""
    toks = list(map(_WORD.findall, map(str.lower, texts)))
    counts = np.fromiter(map(len, toks), dtype=np.int64, count=len(toks))
    line = np.repeat(np.arange(len(texts)), counts)
    share, has_lang = stop_shares(list(chain.from_iterable(toks)), line, counts)
    return counts.astype(np.float64), share, has_lang, toks


def _window_mean(x: np.ndarray, half: int) -> np.ndarray:
    n = x.size
    padded = np.concatenate((np.zeros(half), x, np.zeros(half)))
    cs = np.concatenate(([0.0], np.cumsum(padded)))
    return (cs[2 * half + 1:2 * half + 1 + n] - cs[:n]) / (2 * half + 1)


def html_features(segments: list[HtmlSegment], title: str | None = None,
                  hints: PageHints = NO_HINTS) -> np.ndarray:
    """Feature matrix, one row per segment, columns in ``FEATURES`` order."""
    n = len(segments)
    X = np.zeros((n, len(FEATURES)))
    if n == 0:
        return X
    col = 0

    def put(values: np.ndarray | float, width: int = 1) -> None:
        nonlocal col
        if width == 1:
            X[:, col] = values
        else:
            X[:, col:col + width] = values
        col += width

    texts = list(map(_TEXT, segments))
    # One pass over the segments for their numeric fields (C-level getters, no Python frame per segment).
    num = np.array(list(map(_NUMERIC, segments)), dtype=np.int64).reshape(n, len(_NUMERIC_FIELDS))
    link_chars, n_links, repeat_count, n_images, depths, levels, ctx, any_bits, own, serials = num.T
    cs = _char_stats(texts)
    chars = cs["lengths"].astype(np.float64)
    short = chars < _SHORT
    lowered = [t.lower() if len(t) < _SHORT else "" for t in texts]
    has_digit = short & (cs["digit"] > 0)
    words, stop, has_lang, toks = _language_stats(texts)
    links = link_chars.astype(np.float64)
    ld = links / np.maximum(chars, 1.0)
    ws = np.maximum(cs["words"], 1.0)
    terminal = np.fromiter((_terminal(t) for t in texts), dtype=np.float64, count=n)
    kinds = np.fromiter(map(_KIND_ID.get, map(_KIND, segments), repeat(_KIND_ID["other"])), dtype=np.int64,
                        count=n)
    is_heading = kinds == 0
    junk_heading = _regex_hits(_JUNK_HEADING, lowered, is_heading & short)
    repeats = repeat_count.astype(np.float64)
    lw = np.log1p(words)

    put(np.log1p(chars))
    put(lw)
    put(stop)
    put(ld)
    put(np.log1p(n_links))
    put(terminal)
    put(cs["caps"] / ws)
    put(cs["digit"] / np.maximum(chars, 1.0))
    put(cs["punct"] / np.maximum(chars, 1.0))
    put(cs["comma"] / ws)
    put(np.log1p(cs["sent"]))
    put(_regex_hits(_KEY_VALUE_M, texts, short))
    put(_regex_hits(_COUNTER, lowered, has_digit))
    put(_regex_hits(_BOILERPLATE, lowered, short))
    put(_regex_hits(_DATE, lowered, has_digit))
    put(np.log1p(n_images))
    put(depths)
    put(np.where(is_heading, levels, 0))
    put((chars - cs["words"] + 1) / ws)
    put(cs["cjk"] / np.maximum(chars, 1.0))
    put(_regex_hits(_URL, lowered, short & (cs["dot_colon"] > 0)))  # no URL shape without "." or ":"
    put(junk_heading)
    put(np.log1p(repeats))
    put(np.where(kinds == _KIND_ID["list item"], levels, 0))

    tag_ids = np.fromiter(map(_TAG_ID.get, map(_TAG, segments), repeat(-1)), dtype=np.int64, count=n)
    onehot = np.zeros((n, len(_TAGS)))
    known = tag_ids >= 0
    onehot[np.flatnonzero(known), tag_ids[known]] = 1.0
    put(onehot, len(_TAGS))
    kind_hot = np.zeros((n, len(_KINDS)))
    kind_hot[np.arange(n), kinds] = 1.0
    put(kind_hot, len(_KINDS))
    put(((ctx[:, None] & np.asarray(_CTX_IDS)) > 0).astype(np.float64), len(_CTX_IDS))
    dist = np.array(list(map(_CLASS_DIST, segments)), dtype=np.float64).reshape(n, len(GROUPS))
    put(np.where((dist >= 0) & (dist <= _CLASS_NEAR), dist, _CLASS_NEAR + 1), len(GROUPS))
    gbits = 1 << np.arange(len(GROUPS))
    put(((any_bits[:, None] & gbits) > 0).astype(np.float64), len(GROUPS))
    put(((own[:, None] & gbits) > 0).astype(np.float64), len(GROUPS))

    # Container (subtree) aggregates: blocks whose serial falls in an ancestor's [start, end] range.
    anc = np.array(list(map(_ANCESTORS, segments)), dtype=np.int64).reshape(n, ANCESTOR_LEVELS)
    anc_end = np.array(list(map(_ANCESTOR_ENDS, segments)), dtype=np.int64).reshape(n, ANCESTOR_LEVELS)
    lo = np.searchsorted(serials, anc, side="left")
    hi = np.searchsorted(serials, anc_end, side="right")
    total = float(chars.sum()) or 1.0
    csum = {k: np.concatenate(([0.0], np.cumsum(v))) for k, v in
            (("chars", chars), ("links", links), ("term", terminal), ("lw", lw))}
    for k in range(ANCESTOR_LEVELS):
        a, b = lo[:, k], hi[:, k]
        cnt = np.maximum(b - a, 1)
        cc = csum["chars"][b] - csum["chars"][a]
        put(np.log1p(cnt))
        put((csum["links"][b] - csum["links"][a]) / np.maximum(cc, 1.0))
        put(np.log1p(cc))
        put(cc / total)
        put((csum["term"][b] - csum["term"][a]) / cnt)
        put((csum["lw"][b] - csum["lw"][a]) / cnt)

    # Neighbours and position.
    cum = np.cumsum(chars)
    idx = np.arange(n)
    put(idx / max(n - 1, 1))
    put(1.0 - idx / max(n - 1, 1))
    put((cum - chars) / total)
    put((total - cum) / total)
    put(_shift(lw, 1))
    put(_shift(lw, -1))
    put(_shift(ld, 1))
    put(_shift(ld, -1))
    put(_window_mean(lw, 2))
    put(_window_mean(ld, 2))
    put(_window_mean(terminal, 2))
    put(_shift(is_heading.astype(np.float64), 1))
    put(_shift(is_heading.astype(np.float64), -1))
    keys = patterns.line_keys(texts, toks, _KEY_MAX_CHARS)
    title_key = patterns.normalise_line(title) if title else None
    is_title = np.array([bool(title_key) and k == title_key for k in keys], dtype=np.float64)
    put(is_title)
    seen: dict[str, int] = {}
    earlier = np.zeros(n)
    for i, k in enumerate(keys):
        if k in seen:
            earlier[i] = 1.0
        seen[k] = seen.get(k, 0) + 1
    put(earlier)
    put(np.log([seen[k] for k in keys]))
    title_at = int(np.argmax(is_title)) if is_title.any() else -1
    put((idx > title_at).astype(np.float64) if title_at >= 0 else 0.5)
    put((idx - title_at) / n if title_at >= 0 else 0.0)
    jh = np.flatnonzero(junk_heading)
    last_heading = np.maximum.accumulate(np.where(is_heading, idx, -1))
    put(np.isin(last_heading, jh).astype(np.float64) * (last_heading >= 0))
    # The parent container with the most non-link text is the likeliest home of the main content.
    parent = anc[:, 0]
    _, inv = np.unique(parent, return_inverse=True)
    own_text = np.bincount(inv, weights=chars - links)
    best = int(own_text.argmax())
    in_best = inv == best
    best_idx = np.flatnonzero(in_best)
    put((idx - best_idx[len(best_idx) // 2]) / n)
    put(in_best.astype(np.float64))
    put(np.concatenate(([0.0], np.cumsum(words)[:-1])) / max(float(words.sum()), 1.0))
    put(own_text[best] / total)
    same = np.concatenate(([0.0], (tag_ids[1:] == tag_ids[:-1]).astype(np.float64)))
    put(_window_mean(same, 2))
    # The page's main heading (first <h1>, else the title's block) and the containers around it.
    h1s = np.flatnonzero(is_heading & (levels == 1))
    h1 = int(h1s[0]) if h1s.size else title_at
    put((idx > h1).astype(np.float64) if h1 >= 0 else 0.5)
    put((idx - h1) / n if h1 >= 0 else 0.0)
    for k in range(ANCESTOR_LEVELS):
        if h1 >= 0 and anc[h1, k]:
            put(((serials >= anc[h1, k]) & (serials <= anc_end[h1, k])).astype(np.float64))
        else:
            put(0.5)

    # Page.
    put(math.log1p(n))
    put(math.log1p(total))
    put(float(links.sum()) / total)
    put(float((ctx & CONTEXT_BIT["article"]).any()))
    put(float((ctx & CONTEXT_BIT["main"]).any()))
    put(float(has_lang))
    put(float(np.log1p(chars.max())))
    put(float(np.log1p(repeats.max())))
    put(float((any_bits & _COMMENT_BIT).any()))
    put(float(terminal.mean()))
    put(math.log1p(len(title.split())) if title else 0.0)
    put(float(h1s.size > 0))
    for found in (hints.stated, hints.body):
        for g in HINT_TYPES:
            put(float(g in found))
    assert col == len(FEATURES), (col, len(FEATURES))
    return X
