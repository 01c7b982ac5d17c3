"""Features of text blocks: the line itself, its neighbourhood, and the page it sits in.

Every feature is language-agnostic or uses the page's own best stoplist. Column order is ``FEATURES``;
models name the columns they use, so adding a feature never breaks an older model file.
"""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np

from declutter import patterns
from declutter.segment_text import TextSegment
from declutter.stopwords import page_language, stopword_share, tokens

_BASE = (
    "log_chars", "log_words", "mean_word_len", "stop_share", "terminal_punct", "title_case_share",
    "digit_share", "punct_share", "upper_share", "key_value", "counter", "url_like", "email_like",
    "phone_like", "date_like", "boilerplate_phrase", "repeats_earlier", "repeats_first", "repeats_title_guess",
    "n_repeats", "is_heading", "is_list_item", "is_quote", "is_table", "is_code", "new_paragraph",
    "blank_after", "separator_chars", "all_caps", "cjk_share", "sentence_count", "comma_share",
)
_CONTEXT = (
    "pos", "pos_rev", "chars_before_share", "chars_after_share", "long_after_share", "long_before_share",
    "run_short_len", "run_short_pos", "run_kv_len", "run_title_case_len", "prev_words", "next_words",
    "prev_terminal", "next_terminal", "prev_stop", "next_stop", "win_words_mean", "win_terminal_mean",
    "win_stop_mean", "dist_longest", "after_longest",
)
_PAGE = ("page_log_lines", "page_log_chars", "page_long_share", "page_terminal_share", "page_stop_mean")
FEATURES: tuple[str, ...] = _BASE + _CONTEXT + _PAGE

_LONG_WORDS = 15
_SHORT_WORDS = 8


def _line_features(seg: TextSegment, toks: list[str], lang: int) -> list[float]:
    s = seg.text
    n_chars = len(s)
    words = s.split()
    n_words = max(len(toks), 1) if toks else 0
    letters = sum(1 for c in s if c.isalpha())
    digits = sum(1 for c in s if c.isdigit())
    upper = sum(1 for c in s if c.isupper())
    punct = sum(1 for c in s if not c.isalnum() and not c.isspace())
    cap_words = sum(1 for w in words if w[:1].isupper())
    cjk = len(patterns.CJK.findall(s))
    return [
        math.log1p(n_chars),
        math.log1p(n_words),
        (sum(len(t) for t in toks) / n_words) if n_words else 0.0,
        stopword_share(toks, lang),
        1.0 if patterns.TERMINAL.search(s) else 0.0,
        cap_words / len(words) if words else 0.0,
        digits / n_chars if n_chars else 0.0,
        punct / n_chars if n_chars else 0.0,
        upper / letters if letters else 0.0,
        1.0 if patterns.KEY_VALUE.match(s) else 0.0,
        1.0 if patterns.COUNTER.search(s) else 0.0,
        1.0 if patterns.URL.search(s) else 0.0,
        1.0 if patterns.EMAIL.search(s) else 0.0,
        1.0 if patterns.PHONE.search(s) else 0.0,
        1.0 if patterns.DATE.search(s) else 0.0,
        1.0 if patterns.BOILERPLATE.search(s) else 0.0,
        0.0, 0.0, 0.0, 0.0,  # repetition, filled in by the page pass
        1.0 if seg.kind == "heading" else 0.0,
        1.0 if seg.kind == "list item" else 0.0,
        1.0 if seg.kind == "quote" else 0.0,
        1.0 if seg.kind == "table" else 0.0,
        1.0 if seg.kind == "code" else 0.0,
        1.0 if seg.new_paragraph else 0.0,
        1.0 if seg.blank_after else 0.0,
        float(len(patterns.SEPARATORS.findall(s))),
        1.0 if letters >= 4 and upper == letters else 0.0,
        cjk / n_chars if n_chars else 0.0,
        float(len(patterns.SENTENCE_END.findall(s))),
        s.count(",") / n_words if n_words else 0.0,
    ]


def _runs(flags: list[bool]) -> tuple[list[int], list[int]]:
    """Length of the run of True each position sits in, and its offset within the run."""
    n = len(flags)
    length = [0] * n
    offset = [0] * n
    i = 0
    while i < n:
        if not flags[i]:
            i += 1
            continue
        j = i
        while j < n and flags[j]:
            j += 1
        for k in range(i, j):
            length[k] = j - i
            offset[k] = k - i
        i = j
    return length, offset


def text_features(segments: list[TextSegment]) -> np.ndarray:
    """Feature matrix, one row per segment, columns in ``FEATURES`` order."""
    n = len(segments)
    if n == 0:
        return np.zeros((0, len(FEATURES)))
    toks = [tokens(s.text) for s in segments]
    lang = page_language(toks)
    base = np.array([_line_features(s, t, lang) for s, t in zip(segments, toks)], dtype=np.float64)
    col = {name: i for i, name in enumerate(_BASE)}

    norm = [patterns.normalise_line(s.text) for s in segments]
    counts = Counter(norm)
    seen: set[str] = set()
    first = norm[0]
    title_guess = _title_guess(segments)
    for i, key in enumerate(norm):
        base[i, col["repeats_earlier"]] = 1.0 if key in seen else 0.0
        base[i, col["repeats_first"]] = 1.0 if i > 0 and key == first else 0.0
        base[i, col["repeats_title_guess"]] = 1.0 if title_guess is not None and i != title_guess and key == norm[
            title_guess] else 0.0
        base[i, col["n_repeats"]] = float(counts[key] - 1)
        seen.add(key)

    words = np.array([len(t) for t in toks], dtype=np.float64)
    chars = np.array([len(s.text) for s in segments], dtype=np.float64)
    terminal = base[:, col["terminal_punct"]]
    stop = base[:, col["stop_share"]]
    total_chars = float(chars.sum()) or 1.0
    long = (words >= _LONG_WORDS) & (terminal > 0)
    long_chars = np.where(long, chars, 0.0)
    total_long = float(long_chars.sum()) or 1.0
    cum_chars = np.cumsum(chars)
    cum_long = np.cumsum(long_chars)

    short = [(w < _SHORT_WORDS and not t) for w, t in zip(words, terminal)]
    run_len, run_pos = _runs(short)
    kv_len, _ = _runs([bool(v) for v in base[:, col["key_value"]] + base[:, col["counter"]]])
    tc_len, _ = _runs([bool(v >= 0.6) and w < _LONG_WORDS for v, w in zip(base[:, col["title_case_share"]], words)])
    longest = int(np.argmax(chars))

    ctx = np.zeros((n, len(_CONTEXT)))
    idx = np.arange(n)
    ctx[:, 0] = idx / max(n - 1, 1)
    ctx[:, 1] = 1.0 - ctx[:, 0]
    ctx[:, 2] = (cum_chars - chars) / total_chars
    ctx[:, 3] = (total_chars - cum_chars) / total_chars
    ctx[:, 4] = (total_long - cum_long) / total_long
    ctx[:, 5] = (cum_long - long_chars) / total_long
    ctx[:, 6] = np.log1p(run_len)
    ctx[:, 7] = [p / max(r - 1, 1) if r > 1 else 0.0 for p, r in zip(run_pos, run_len)]
    ctx[:, 8] = np.log1p(kv_len)
    ctx[:, 9] = np.log1p(tc_len)
    ctx[:, 10] = np.log1p(np.concatenate(([0.0], words[:-1])))
    ctx[:, 11] = np.log1p(np.concatenate((words[1:], [0.0])))
    ctx[:, 12] = np.concatenate(([0.0], terminal[:-1]))
    ctx[:, 13] = np.concatenate((terminal[1:], [0.0]))
    ctx[:, 14] = np.concatenate(([0.0], stop[:-1]))
    ctx[:, 15] = np.concatenate((stop[1:], [0.0]))
    kernel = np.ones(5) / 5.0
    ctx[:, 16] = np.convolve(np.log1p(words), kernel, mode="same")
    ctx[:, 17] = np.convolve(terminal, kernel, mode="same")
    ctx[:, 18] = np.convolve(stop, kernel, mode="same")
    ctx[:, 19] = (idx - longest) / max(n, 1)
    ctx[:, 20] = (idx > longest).astype(np.float64)

    page = np.zeros((n, len(_PAGE)))
    page[:, 0] = math.log1p(n)
    page[:, 1] = math.log1p(total_chars)
    page[:, 2] = float(long.mean())
    page[:, 3] = float(terminal.mean())
    page[:, 4] = float(stop.mean())
    return np.hstack([base, ctx, page])


def _title_guess(segments: list[TextSegment]) -> int | None:
    """Index of the first heading-like line among the first few: the line a spam template repeats."""
    for i, s in enumerate(segments[:5]):
        if len(s.text.split()) <= 25 and not s.text.endswith("."):
            return i
    return None
