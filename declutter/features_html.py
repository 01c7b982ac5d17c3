"""Features of HTML blocks: text statistics, DOM context, class/id vocabulary, position, neighbours, page.

Column order is ``FEATURES``; models name the columns they use. Everything is computed per page: the per-block
inputs (segment fields, character classes, tokens, stopword shares, line keys) in one pass over the segments
(``block_arrays``: C when ``declutter._features`` is built, else numpy over the code points of all blocks at
once, with the same integers), regexes once over the joined text of the blocks they apply to, and container
(subtree) aggregates as cumulative sums looked up by serial ranges.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from itertools import chain, compress, repeat
from operator import attrgetter

import numpy as np

from declutter import patterns, xpaths
from declutter._compiled import compiled
from declutter.hints import HINT_TYPES, NO_HINTS, PageHints
from declutter.lexicon import PATH_MEMO_MAX, Lexicon, load_lexicon
from declutter.segment_html import ANCESTOR_LEVELS, CONTEXT_BIT, GROUPS, HtmlSegment
from declutter.stopwords import stop_shares, stoplists, word_languages

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
#: Learned-lexicon columns (``declutter.lexicon``, the ``html`` lexicon's class words), last so training can
#: refill them per cross-fitting fold: from the class and id words of the block's path labels, the own
#: element's value, the nearest element's with a known word, min, max and sum over the path, and the sum's
#: ±2-block window.
LEXICON_FEATURES: tuple[str, ...] = (
    "lex_cls_own", "lex_cls_near", "lex_cls_min", "lex_cls_max", "lex_cls_sum", "lex_cls_sum_w2")
FEATURES: tuple[str, ...] = (_BASE + _TAG_COLS + _KIND_COLS + _CTX_COLS + _CLASS_COLS + _ANC_COLS + _NEIGH
                             + _PAGE + LEXICON_FEATURES)
#: Path labels read for the class-word columns, the block's own element first (``HtmlSegment.path``).
PATH_LEVELS = 4

_CLASS_NEAR = 6  # distances beyond this count as "far"
_COL = {name: i for i, name in enumerate(FEATURES)}
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
_CTX_IDS = np.asarray([CONTEXT_BIT[t] for t in xpaths.CONTEXT_TAGS])
_GROUP_BITS = 1 << np.arange(len(GROUPS))
_COMMENT_BIT = 1 << GROUPS.index("comment")

# Columns of ``block_arrays``' integer array: the segment fields, then per-block statistics of the text.
_NUMERIC_FIELDS = ("link_chars", "n_links", "repeat", "n_images", "depth", "level", "context", "class_any",
                   "own_bits", "at")
_NUMERIC = attrgetter(*_NUMERIC_FIELDS)
_STAT_COLS = ("chars", "digit", "punct", "cjk", "caps", "word_starts", "comma", "sentences", "dot_colon",
              "terminal", "tokens", "kind", "tag")  # the order of ``_features.pyx``'s column enum
_ANC_AT = len(_NUMERIC_FIELDS)
_ANC_END_AT = _ANC_AT + ANCESTOR_LEVELS
_DIST_AT = _ANC_END_AT + ANCESTOR_LEVELS
_STATS_AT = _DIST_AT + len(GROUPS)
_I = {name: i for i, name in enumerate(_NUMERIC_FIELDS)} | {name: _STATS_AT + i for i, name in
                                                           enumerate(_STAT_COLS)}
_N_INTS = _STATS_AT + len(_STAT_COLS)
_TEXT = attrgetter("text")
_PATH = attrgetter("path")
_KIND = attrgetter("kind")
_TAG = attrgetter("tag")
_CLASS_DIST = attrgetter("class_dist")
_ANCESTORS = attrgetter("ancestors")
_ANCESTOR_ENDS = attrgetter("ancestor_ends")

_C = compiled("_features")

BlockArrays = tuple[list[str], list[str], list[str], np.ndarray, np.ndarray, bool]
"""(texts, lower-cased texts under ``_SHORT`` characters ("" for longer ones), line keys, integer columns
(``_I``), stopword shares, whether the page has a language)."""


def _char_stats(texts: list[str]) -> np.ndarray:
    """Per block: counts of character classes, word starts and sentence ends, from the code points of the
    joined page text (columns "chars" to "dot_colon" of ``_STAT_COLS``)."""
    joined = "\n".join(texts)
    cp = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
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
    classes = np.stack((digit, punct, cjk, upper & word_start, word_start, cp == 44, stops & nxt_space,
                        (cp == 46) | (cp == 58)))
    counts = (np.add.reduceat(classes.astype(np.int64), starts, axis=1) if cp.size
              else np.zeros((classes.shape[0], 1), np.int64))
    return np.hstack((lengths[:, None], counts.T))


def _terminal(text: str) -> int:
    t = text.rstrip(_CLOSERS)
    return 1 if t and t[-1] in _TERMINAL_CHARS else 0


def block_arrays_python(segments: list[HtmlSegment]) -> BlockArrays:
    """The per-block inputs of the features (``BlockArrays``); ``_features.block_arrays`` is its C twin."""
    n = len(segments)
    ints = np.empty((n, _N_INTS), dtype=np.int64)
    flat = chain.from_iterable
    ints[:, :_ANC_AT] = np.fromiter(flat(map(_NUMERIC, segments)), dtype=np.int64,
                                    count=n * _ANC_AT).reshape(n, _ANC_AT)
    for at, get, width in ((_ANC_AT, _ANCESTORS, ANCESTOR_LEVELS),
                           (_ANC_END_AT, _ANCESTOR_ENDS, ANCESTOR_LEVELS),
                           (_DIST_AT, _CLASS_DIST, len(GROUPS))):
        ints[:, at:at + width] = np.fromiter(flat(map(get, segments)), dtype=np.int64,
                                             count=n * width).reshape(n, width)
    texts = list(map(_TEXT, segments))
    ints[:, _STATS_AT:_I["terminal"]] = _char_stats(texts)
    ints[:, _I["terminal"]] = np.fromiter(map(_terminal, texts), dtype=np.int64, count=n)
    ints[:, _I["kind"]] = np.fromiter(map(_KIND_ID.get, map(_KIND, segments), repeat(_KIND_ID["other"])),
                                      dtype=np.int64, count=n)
    ints[:, _I["tag"]] = np.fromiter(map(_TAG_ID.get, map(_TAG, segments), repeat(-1)), dtype=np.int64,
                                     count=n)
    low = list(map(str.lower, texts))
    lowered = [lo if len(t) < _SHORT else "" for t, lo in zip(texts, low, strict=True)]
    toks = list(map(_WORD.findall, low))
    counts = np.fromiter(map(len, toks), dtype=np.int64, count=n)
    ints[:, _I["tokens"]] = counts
    line = np.repeat(np.arange(n), counts)
    share, has_lang = stop_shares(list(flat(toks)), line, counts)
    return texts, lowered, patterns.line_keys(texts, toks, _KEY_MAX_CHARS), ints, share, has_lang


def block_arrays(segments: list[HtmlSegment]) -> BlockArrays:
    """``block_arrays_python``, in C when ``declutter._features`` is built."""
    if _C is None:
        return block_arrays_python(segments)
    return _C.block_arrays(segments, _NUMERIC_FIELDS, ANCESTOR_LEVELS, len(GROUPS), _KIND_ID,
                           _KIND_ID["other"], _TAG_ID, word_languages(), len(stoplists()), _SHORT,
                           _KEY_MAX_CHARS, patterns.normalise_line)


def path_labels(path: str) -> list[str]:
    """The block's path labels, its own element first, at most ``PATH_LEVELS``."""
    return path.split(">")[::-1][:PATH_LEVELS]


def path_summary(levels: Sequence[float]) -> tuple[float, float, float, float, float]:
    """A block path's class-word columns from its levels' values (``Lexicon.label_value``, own element
    first; NaN: no known word): own, nearest known, min, max and sum over the known ones (0 when none)."""
    known = [v for v in levels if v == v]
    if not known:
        return 0.0, 0.0, 0.0, 0.0, 0.0
    own = levels[0] if levels[0] == levels[0] else 0.0
    return own, known[0], min(known), max(known), sum(known)


def lexicon_columns(paths: np.ndarray) -> np.ndarray:
    """The ``LEXICON_FEATURES`` columns from each block's ``path_summary``."""
    return np.hstack((paths, _window_mean(paths[:, 4], 2)[:, None])) if len(paths) else np.zeros(
        (0, len(LEXICON_FEATURES)))


def _path_columns(paths: list[str], lexicon: Lexicon) -> np.ndarray:
    """Each block's ``path_summary``, memoised per path (a page's blocks, and a site's pages, share paths)."""
    memo = lexicon.path_values
    if len(memo) > PATH_MEMO_MAX:
        memo.clear()
    rows = list(map(memo.get, paths))
    if None in rows:
        known = lexicon.label_values
        value = lexicon.label_value
        for i, row in enumerate(rows):
            if row is None:
                path = paths[i]
                row = memo.get(path)
                if row is None:
                    labels = path_labels(path)
                    levels = list(map(known.get, labels))
                    if None in levels:  # a label new to the memo (NaN, "no known word", is a value)
                        levels = list(map(value, labels))
                    row = memo[path] = path_summary(levels)
                rows[i] = row
    return np.array(rows, dtype=np.float64).reshape(-1, 5)


def _block_hits(texts: list[str], select: np.ndarray, starts: Callable[[str], list[int]]) -> np.ndarray:
    """1.0 for the selected blocks holding a match start that ``starts`` finds in their joined text."""
    out = np.zeros(len(texts))
    chosen = np.flatnonzero(select)
    if chosen.size == 0:
        return out
    parts = list(compress(texts, select))
    pos = starts("\n".join(parts))
    if pos:
        ends = np.cumsum(np.fromiter(map(len, parts), dtype=np.int64, count=chosen.size) + 1)
        out[chosen[np.searchsorted(ends, pos, side="right")]] = 1.0
    return out


def _regex_hits(pattern: re.Pattern[str], texts: list[str], select: np.ndarray) -> np.ndarray:
    """1.0 for the selected blocks where ``pattern`` matches, from one pass over their joined text."""
    return _block_hits(texts, select, lambda joined: [m.start() for m in pattern.finditer(joined)])


_COLON = re.compile("[:：]")
_KEY_REACH = 33  # a key-value match has its colon within this many characters of its line start


def _key_value_starts(joined: str) -> list[int]:
    """``_KEY_VALUE_M.finditer(joined)``'s match starts, trying the pattern only where it can match.

    A match starts at a line start (``^``) and has its colon within ``_KEY_REACH`` characters (a letter, at
    most 30 key characters, one optional space, which may be the newline that ends the line), so the pattern
    runs at the line starts just before a colon instead of at every position of the joined text; matches
    are taken left to right without overlaps, as ``finditer`` takes them.
    """
    candidates: set[int] = set()
    for m in _COLON.finditer(joined):
        q = m.start()
        start = joined.rfind("\n", 0, q) + 1
        if q - start < _KEY_REACH:
            candidates.add(start)
        if q == start and q > 0:  # a colon opening a line can end a key on the line before
            before = joined.rfind("\n", 0, q - 1) + 1
            if q - before < _KEY_REACH:
                candidates.add(before)
    pos = []
    end = 0
    match = _KEY_VALUE_M.match
    for start in sorted(candidates):
        if start >= end and (m := match(joined, start)):
            pos.append(start)
            end = m.end()
    return pos


def _key_value_hits(texts: list[str], select: np.ndarray) -> np.ndarray:
    """``_regex_hits(_KEY_VALUE_M, texts, select)``, with the pattern tried only where it can match."""
    return _block_hits(texts, select, _key_value_starts)


def _window_mean(x: np.ndarray, half: int) -> np.ndarray:
    n = x.size
    padded = np.concatenate((np.zeros(half), x, np.zeros(half)))
    cs = np.concatenate(([0.0], np.cumsum(padded)))
    return (cs[2 * half + 1:2 * half + 1 + n] - cs[:n]) / (2 * half + 1)


def html_features(segments: list[HtmlSegment], title: str | None = None,
                  hints: PageHints = NO_HINTS, lexicon: Lexicon | None = None) -> np.ndarray:
    """Feature matrix, one row per segment, columns in ``FEATURES`` order.

    ``lexicon`` defaults to the shipped ``html`` lexicon; training passes the empty one and fills the lexicon
    columns per cross-fitting fold.

    Columns are written in groups (one numpy operation per group, not per column): a page has few blocks, so
    the cost of a numpy call, not its work, dominates.
    """
    n = len(segments)
    X = np.zeros((n, len(FEATURES)))
    if n == 0:
        return X
    texts, lowered, keys, ints, stop, has_lang = block_arrays(segments)
    i = _I
    link_chars, _, repeat_count, _, depths, levels, ctx, any_bits, _, serials = ints[:, :_ANC_AT].T
    chars = ints[:, i["chars"]].astype(np.float64)
    short = chars < _SHORT
    has_digit = short & (ints[:, i["digit"]] > 0)
    words = ints[:, i["tokens"]].astype(np.float64)
    links = link_chars.astype(np.float64)
    terminal = ints[:, i["terminal"]].astype(np.float64)
    kinds = ints[:, i["kind"]]
    tag_ids = ints[:, i["tag"]]
    is_heading = kinds == 0
    junk_heading = _regex_hits(_JUNK_HEADING, lowered, is_heading & short)
    repeats = repeat_count.astype(np.float64)
    lw = np.log1p(words)
    word_starts = ints[:, i["word_starts"]]
    ws = np.maximum(word_starts, 1.0)
    max_chars = np.maximum(chars, 1.0)

    c = _COL
    X[:, [c["log_chars"], c["log_words"], c["log_links"], c["sentence_count"], c["log_images"],
          c["log_repeat"]]] = np.log1p(ints[:, [i["chars"], i["tokens"], i["n_links"], i["sentences"],
                                                i["n_images"], i["repeat"]]])
    X[:, c["stop_share"]] = stop
    X[:, [c["link_density"], c["digit_share"], c["punct_share"], c["cjk_share"]]] = (
        ints[:, [i["link_chars"], i["digit"], i["punct"], i["cjk"]]] / max_chars[:, None])
    ld = X[:, c["link_density"]].copy()
    X[:, c["terminal_punct"]] = terminal
    X[:, [c["title_case_share"], c["comma_share"]]] = ints[:, [i["caps"], i["comma"]]] / ws[:, None]
    X[:, c["key_value"]] = _key_value_hits(texts, short)
    X[:, c["counter"]] = _regex_hits(_COUNTER, lowered, has_digit)
    X[:, c["boilerplate_phrase"]] = _regex_hits(_BOILERPLATE, lowered, short)
    X[:, c["date_like"]] = _regex_hits(_DATE, lowered, has_digit)
    X[:, c["depth"]] = depths
    X[:, c["heading_level"]] = np.where(is_heading, levels, 0)
    X[:, c["mean_word_len"]] = (chars - word_starts + 1) / ws
    # No URL shape without "." or ":".
    X[:, c["url_like"]] = _regex_hits(_URL, lowered, short & (ints[:, i["dot_colon"]] > 0))
    X[:, c["junk_heading"]] = junk_heading
    X[:, c["list_depth"]] = np.where(kinds == _KIND_ID["list item"], levels, 0)

    idx = np.arange(n)
    known = tag_ids >= 0
    X[idx[known], c[_TAG_COLS[0]] + tag_ids[known]] = 1.0
    X[idx, c[_KIND_COLS[0]] + kinds] = 1.0
    at = c[_CTX_COLS[0]]
    X[:, at:at + len(_CTX_IDS)] = (ctx[:, None] & _CTX_IDS) > 0
    at = c[_CLASS_COLS[0]]
    g = len(GROUPS)
    dist = ints[:, _DIST_AT:_DIST_AT + g]
    X[:, at:at + g] = np.where((dist >= 0) & (dist <= _CLASS_NEAR), dist, _CLASS_NEAR + 1)
    bits = ints[:, [i["class_any"], i["own_bits"]], None] & _GROUP_BITS
    X[:, at + g:at + 3 * g] = (bits > 0).reshape(n, 2 * g)

    # Container (subtree) aggregates: blocks whose serial falls in an ancestor's [start, end] range; one
    # (n, levels) array per statistic, written to every level's column at once.
    anc = ints[:, _ANC_AT:_ANC_END_AT]
    anc_end = ints[:, _ANC_END_AT:_DIST_AT]
    lo = np.searchsorted(serials, anc, side="left")
    hi = np.searchsorted(serials, anc_end, side="right")
    total = float(chars.sum()) or 1.0
    csum = {k: np.concatenate(([0.0], np.cumsum(v))) for k, v in
            (("chars", chars), ("links", links), ("term", terminal), ("lw", lw))}
    cnt = np.maximum(hi - lo, 1)
    cc = csum["chars"][hi] - csum["chars"][lo]
    at = c[_ANC_COLS[0]]
    stride = len(_ANC_STATS)
    for s, values in enumerate((np.log1p(cnt), (csum["links"][hi] - csum["links"][lo]) / np.maximum(cc, 1.0),
                                np.log1p(cc), cc / total, (csum["term"][hi] - csum["term"][lo]) / cnt,
                                (csum["lw"][hi] - csum["lw"][lo]) / cnt)):
        X[:, at + s:at + s + stride * ANCESTOR_LEVELS:stride] = values

    # Neighbours and position.
    cum = np.cumsum(chars)
    X[:, c["pos"]] = idx / max(n - 1, 1)
    X[:, c["pos_rev"]] = 1.0 - idx / max(n - 1, 1)
    X[:, c["chars_before_share"]] = (cum - chars) / total
    X[:, c["chars_after_share"]] = (total - cum) / total
    X[1:, c["prev_log_words"]] = lw[:-1]
    X[:-1, c["next_log_words"]] = lw[1:]
    X[1:, c["prev_link_density"]] = ld[:-1]
    X[:-1, c["next_link_density"]] = ld[1:]
    X[:, c["win_log_words"]] = _window_mean(lw, 2)
    X[:, c["win_link_density"]] = _window_mean(ld, 2)
    X[:, c["win_terminal"]] = _window_mean(terminal, 2)
    X[1:, c["prev_heading"]] = is_heading[:-1]
    X[:-1, c["next_heading"]] = is_heading[1:]
    title_key = patterns.normalise_line(title) if title else None
    if title_key:
        is_title = np.fromiter(map(title_key.__eq__, keys), dtype=bool, count=n)
        X[:, c["repeats_title"]] = is_title
    else:
        is_title = np.zeros(n, dtype=bool)
    seen: dict[str, int] = {}
    earlier = X[:, c["repeats_earlier"]]
    for j, k in enumerate(keys):
        if k in seen:
            earlier[j] = 1.0
        seen[k] = seen.get(k, 0) + 1
    X[:, c["log_copies"]] = np.log(np.fromiter(map(seen.__getitem__, keys), dtype=np.int64, count=n))
    title_at = int(np.argmax(is_title)) if is_title.any() else -1
    X[:, c["after_title"]] = idx > title_at if title_at >= 0 else 0.5
    if title_at >= 0:
        X[:, c["dist_title"]] = (idx - title_at) / n
    jh = np.flatnonzero(junk_heading)
    last_heading = np.maximum.accumulate(np.where(is_heading, idx, -1))
    X[:, c["after_junk_heading"]] = np.isin(last_heading, jh) & (last_heading >= 0)
    # The parent container with the most non-link text is the likeliest home of the main content.
    _, inv = np.unique(anc[:, 0], return_inverse=True)
    own_text = np.bincount(inv, weights=chars - links)
    best = int(own_text.argmax())
    in_best = inv == best
    best_idx = np.flatnonzero(in_best)
    X[:, c["dist_best"]] = (idx - best_idx[len(best_idx) // 2]) / n
    X[:, c["in_best_container"]] = in_best
    X[1:, c["words_before_share"]] = np.cumsum(words)[:-1] / max(float(words.sum()), 1.0)
    X[:, c["best_share"]] = own_text[best] / total
    same = np.concatenate(([0.0], (tag_ids[1:] == tag_ids[:-1]).astype(np.float64)))
    X[:, c["same_tag_run"]] = _window_mean(same, 2)
    # The page's main heading (first <h1>, else the title's block) and the containers around it.
    h1s = np.flatnonzero(is_heading & (levels == 1))
    h1 = int(h1s[0]) if h1s.size else title_at
    X[:, c["after_h1"]] = idx > h1 if h1 >= 0 else 0.5
    if h1 >= 0:
        X[:, c["dist_h1"]] = (idx - h1) / n
    at = c["h1_anc1"]
    if h1 >= 0:
        inside = (serials[:, None] >= anc[h1]) & (serials[:, None] <= anc_end[h1])
        X[:, at:at + ANCESTOR_LEVELS] = np.where(anc[h1] != 0, inside, 0.5)
    else:
        X[:, at:at + ANCESTOR_LEVELS] = 0.5

    # Page.
    X[:, c["page_log_blocks"]:c["page_has_h1"] + 1] = (
        math.log1p(n), math.log1p(total), float(links.sum()) / total,
        float((ctx & CONTEXT_BIT["article"]).any()), float((ctx & CONTEXT_BIT["main"]).any()),
        float(has_lang), float(np.log1p(chars.max())), float(np.log1p(repeats.max())),
        float((any_bits & _COMMENT_BIT).any()), float(terminal.mean()),
        math.log1p(len(title.split())) if title else 0.0, float(h1s.size > 0))
    at = c["page_log_blocks"] + len(_PAGE) - 2 * len(HINT_TYPES)
    X[:, at:at + 2 * len(HINT_TYPES)] = [float(g in found) for found in (hints.stated, hints.body)
                                         for g in HINT_TYPES]
    lex = load_lexicon("html") if lexicon is None else lexicon
    if lex.classes:  # the empty lexicon gives zero columns
        X[:, -len(LEXICON_FEATURES):] = lexicon_columns(_path_columns(list(map(_PATH, segments)), lex))
    return X
