"""Features of text lines: the line itself, its repetitions, its neighbourhood, and the page it sits in.

Every feature is language-agnostic or uses the page's own best stoplist. Column order is ``FEATURES``;
models name the columns they use, so adding a feature never breaks an older model file.

Everything is computed per page with numpy: character classes come from the code points of the joined page,
regexes run once over the joined text (hits are mapped back to lines by offset), and run/window aggregates
are cumulative sums. Only tokenising, the stoplist lookup and the title overlap walk the lines in Python.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from itertools import chain

import numpy as np

from declutter import patterns
from declutter._numeric import shift as _shift
from declutter.lexicon import LINE_MAX_TOKENS, Lexicon, load_lexicon
from declutter.segment_text import TextSegment
from declutter.stopwords import language_bits, stop_shares

_LINE = (
    "log_chars", "log_words", "mean_word_len", "stop_share", "terminal_punct", "title_case_share",
    "digit_share", "punct_share", "upper_share", "key_value", "counter", "url_like", "email_like",
    "phone_like", "date_like", "boilerplate_phrase", "junk_heading", "ends_colon", "starts_lower",
    "no_letters", "log_max_word", "is_heading", "is_list_item", "is_quote", "is_table", "is_code",
    "new_paragraph", "blank_after", "separator_chars", "all_caps", "cjk_share", "sentence_count",
    "comma_share", "question",
)
_REPEAT = (
    "repeats_earlier", "repeats_later", "repeats_first", "repeats_title_guess", "n_repeats", "title_overlap",
    "after_title_repeat",
)
_CONTEXT = (
    "pos", "pos_rev", "log_index", "log_index_rev", "chars_before_share", "chars_after_share",
    "long_after_share", "long_before_share", "log_long_before", "log_long_after", "log_since_long",
    "log_to_long", "after_last_long", "before_first_long", "run_short_len", "run_short_pos", "run_kv_len",
    "run_title_case_len", "prev_words", "next_words", "prev_terminal", "next_terminal", "prev_stop",
    "next_stop", "prev_kv", "next_kv", "prev_heading", "next_heading", "win_words_mean", "win_terminal_mean",
    "win_stop_mean", "win7_words_mean", "win7_terminal_mean", "win7_stop_mean", "win7_short_mean",
    "win7_kv_mean", "dist_longest", "after_longest", "words_vs_page", "after_junk_heading",
)
_PAGE = (
    "page_log_lines", "page_log_chars", "page_long_share", "page_terminal_share", "page_stop_mean",
    "page_mean_words", "page_blank_share", "page_short_share", "page_has_language", "page_first_long",
    "page_last_long", "page_long_chars_share",
)
#: Topic overlap with the page's running text: the share of a line's content words (not in any stoplist, at
#: least ``_TOPIC_MIN_CHARS`` characters) that also occur in a long line elsewhere on the page, and its window
#: means. A subheading or list item of the article shares its words; a list of other articles' titles after
#: it (unrelated headlines, "Trending Now") and an author profile do not.
_TOPIC = ("body_overlap", "body_overlap_win2", "body_overlap_win7")
#: Learned-lexicon features (``declutter.lexicon``): the line's token log-odds (mean, min, max, share of
#: tokens the lexicon knows), the short line's own log-odds, their neighbourhood and the page's. The page
#: columns let a page that is interface text only (every line in junk's vocabulary, no region that reads like
#: content) score low as a whole. Kept last, as one block, so training can fill them per cross-fitting fold.
LEXICON_FEATURES: tuple[str, ...] = (
    "lex_tok_mean", "lex_tok_min", "lex_tok_max", "lex_tok_known", "lex_line", "lex_line_known", "lex_win2",
    "lex_win7", "lex_line_win2", "lex_line_win7", "lex_before_mean", "lex_after_mean", "lex_vs_page",
    "page_lex_tok_mean", "page_lex_line_mean", "page_lex_junk_share", "page_lex_best_win7",
)
FEATURES: tuple[str, ...] = _LINE + _REPEAT + _CONTEXT + _PAGE + _TOPIC + LEXICON_FEATURES

#: A "long" line reads like running text: this many tokens and sentence punctuation at the end.
LONG_WORDS = 15
#: A "short" line is a menu entry, a link title, a field: fewer tokens than this and no sentence end.
SHORT_WORDS = 8

_CJK_CLASS = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
_TOKEN = re.compile(rf"[{_CJK_CLASS}]|[^\W{_CJK_CLASS}]+")
#: ``_TOKEN`` on text without CJK, where it is the simpler (and faster) pattern.
_WORD = re.compile(r"\w+")
#: A title-case word. Its matches are counted from code points (``_char_stats``), not with this regex, which
#: stays as the definition the tests check that count against.
_CAP_WORD = re.compile(r"(?<!\S)[A-ZÀ-ÖØ-ÞΑ-ΩА-Я]")
_CLOSERS = "'\"”’»)]"
_TERMINAL_CHARS = frozenset(".!?…。！？")
_SHORT_CHARS = 300
_TOPIC_MIN_CHARS = 3
_KEY_VALUE_M = re.compile(patterns.KEY_VALUE.pattern, patterns.KEY_VALUE.flags | re.M)
_COUNTER = patterns.for_lowered(patterns.COUNTER, patterns.COUNTER_STARTS, multiline=True)
_URL = patterns.for_lowered(patterns.URL, multiline=True)
_EMAIL = patterns.for_lowered(patterns.EMAIL, multiline=True)
_PHONE = patterns.for_lowered(patterns.PHONE, patterns.PHONE_STARTS, multiline=True)
_DATE = patterns.for_lowered(patterns.DATE, patterns.DATE_STARTS, multiline=True)
_BOILERPLATE = patterns.for_lowered(patterns.BOILERPLATE, multiline=True)
_JUNK_HEADING = patterns.for_lowered(patterns.TEXT_JUNK_HEADING, multiline=True)
_KINDS = ("heading", "list item", "quote", "table", "code")
#: The characters of ``patterns.SEPARATORS`` and the sentence punctuation of ``patterns.SENTENCE_END``:
#: those one-character patterns are counted from code points, a regex match per hit being slower (the tests
#: check that the counts agree with the patterns).
_SEPARATOR_CHARS = "|»«›‹·•/>"
_SENTENCE_PUNCT = ".!?。！？"
#: Lines from this many characters on are their own repetition key (``patterns.normalise_line`` otherwise).
_NORMALISED_MAX_CHARS = 400


def _hits(pattern: re.Pattern[str], lines: list[str], mask: np.ndarray | None = None) -> np.ndarray:
    """Per line: 1 if ``pattern`` matches in it; lines outside ``mask`` are not scanned (interface lines are
    short, so patterns need not read long paragraphs)."""
    n = len(lines)
    out = np.zeros(n)
    if mask is not None:
        # A list of Python bools: iterating a numpy array would make a numpy scalar per line.
        lines = [t if k else "" for t, k in zip(lines, mask.tolist(), strict=True)]
    lengths = np.fromiter(map(len, lines), dtype=np.int64, count=n)
    starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
    pos = [m.start() for m in pattern.finditer("\n".join(lines))]
    if pos:
        out[np.searchsorted(starts, np.asarray(pos), side="right") - 1] = 1.0
    return out


def _sums(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    return np.add.reduceat(values, starts) if values.size else np.zeros(starts.size)


def _char_table(chars: str) -> np.ndarray:
    """Code point -> in ``chars``; the last entry (False) stands for every higher code point."""
    table = np.zeros(max(map(ord, chars)) + 2, dtype=bool)
    table[[ord(c) for c in chars]] = True
    return table


#: ``str.isspace`` of every code point, which is also what ``\s`` matches: none above U+3000 is a space.
_SPACE_TABLE = np.array([chr(c).isspace() for c in range(0x3001)] + [False])
_SEPARATOR_TABLE = _char_table(_SEPARATOR_CHARS)
_SENTENCE_PUNCT_TABLE = _char_table(_SENTENCE_PUNCT)


def _lookup(table: np.ndarray, cp: np.ndarray) -> np.ndarray:
    return table[np.minimum(cp, table.size - 1)]


def _char_stats(joined: str, starts: np.ndarray) -> dict[str, np.ndarray]:
    """Counts of character classes per line, from the code points of the joined page text.

    Also counts what three one-character patterns would match, line breaks being whitespace: ``_CAP_WORD``
    (an upper-case letter after whitespace or at the start), ``patterns.SENTENCE_END`` (sentence punctuation
    before whitespace or at the end) and ``patterns.SEPARATORS``.
    """
    cp = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    space = (cp == 32) | (cp == 10) | (cp == 9)
    digit = (cp >= 48) & (cp <= 57)
    upper = ((cp >= 65) & (cp <= 90)) | ((cp >= 0xC0) & (cp <= 0xDE) & (cp != 0xD7)) | (
        (cp >= 0x391) & (cp <= 0x3A9)) | ((cp >= 0x410) & (cp <= 0x42F))
    lower = ((cp >= 97) & (cp <= 122)) | ((cp >= 0xDF) & (cp <= 0x24F) & (cp != 0xF7)) | (
        (cp >= 0x3B1) & (cp <= 0x3C9)) | ((cp >= 0x430) & (cp <= 0x44F))
    cjk = ((cp >= 0x3040) & (cp <= 0x30FF)) | ((cp >= 0x3400) & (cp <= 0x9FFF)) | (
        (cp >= 0xAC00) & (cp <= 0xD7AF))
    symbols = ((cp >= 0x2000) & (cp <= 0x2BFF)) | ((cp >= 0x3000) & (cp <= 0x303F)) | (
        (cp >= 0xFF00) & (cp <= 0xFF20))
    other_letter = (cp >= 0x250) & ~cjk & ~symbols
    letter = upper | lower | cjk | other_letter
    punct = ~letter & ~digit & ~space
    any_space = _lookup(_SPACE_TABLE, cp)
    cap_word = upper & np.concatenate(([True], any_space[:-1]))
    sentence_end = _lookup(_SENTENCE_PUNCT_TABLE, cp) & np.concatenate((any_space[1:], [True]))
    as_int = np.int32
    return {
        "digit": _sums(digit.astype(as_int), starts),
        "upper": _sums(upper.astype(as_int), starts),
        "letter": _sums(letter.astype(as_int), starts),
        "punct": _sums(punct.astype(as_int), starts),
        "cjk": _sums(cjk.astype(as_int), starts),
        "comma": _sums(((cp == 44) | (cp == 0xFF0C) | (cp == 0x3001)).astype(as_int), starts),
        "first_lower": lower[starts].astype(np.float64) if cp.size else np.zeros(starts.size),
        "cap_words": _sums(cap_word.astype(as_int), starts),
        "sentence_ends": _sums(sentence_end.astype(as_int), starts),
        "separators": _sums(_lookup(_SEPARATOR_TABLE, cp).astype(as_int), starts),
        # No URL shape without "." or ":", no e-mail address without "@": other lines need no scan.
        "dot_colon": _sums(((cp == 46) | (cp == 58)).astype(as_int), starts),
        "at": _sums((cp == 64).astype(as_int), starts),
    }


@dataclass(frozen=True)
class _Tokens:
    """The page's lower-cased tokens (CJK split per character, as it has no spaces): per line, and flat."""

    per_line: list[list[str]]
    count: np.ndarray
    """Tokens per line."""
    line: np.ndarray
    """Line of each token of the flat sequence."""
    length: np.ndarray
    """Characters of each token."""
    word: list[str]
    """The flat sequence: every line's tokens in page order."""


def _tokens(lowered_lines: list[str], has_cjk: bool) -> _Tokens:
    """Tokens of each line, and the flat arrays that let numpy do per-line sums and maxima.

    One regex call per line (a single call over the joined page is no faster); the flat sequences are built
    with ``map`` and ``chain``, which run in C, instead of a Python loop per line.
    """
    per_line = list(map((_TOKEN if has_cjk else _WORD).findall, lowered_lines))
    n = len(per_line)
    count = np.fromiter(map(len, per_line), dtype=np.int64, count=n)
    word = list(chain.from_iterable(per_line))
    length = np.fromiter(map(len, word), dtype=np.int64, count=len(word))
    return _Tokens(per_line, count, np.repeat(np.arange(n), count), length, word)


def _longest(tokens: _Tokens) -> np.ndarray:
    """Characters of each line's longest token (0 for a line without tokens)."""
    out = np.zeros(tokens.count.size)
    has = tokens.count > 0
    if tokens.length.size:
        first = np.cumsum(tokens.count) - tokens.count
        out[has] = np.maximum.reduceat(tokens.length, first[has])
    return out


def _ends_in(ends: list[str], chars: frozenset[str]) -> np.ndarray:
    """1.0 for lines whose last character (closing quotes and brackets aside) is in ``chars``."""
    return np.fromiter(map(chars.__contains__, ends), dtype=np.float64, count=len(ends))


def _runs(flags: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Length of the run of True each position sits in, and its relative offset within the run (0..1)."""
    n = flags.size
    length = np.zeros(n)
    offset = np.zeros(n)
    if n == 0 or not flags.any():
        return length, offset
    f = flags.astype(np.int8)
    edges = np.diff(np.concatenate(([0], f, [0])))
    begins = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    inside = f.astype(bool)
    run = (np.cumsum(edges[:-1] == 1) - 1)[inside]
    run_length = (ends - begins)[run]
    length[inside] = run_length
    offset[inside] = (np.flatnonzero(inside) - begins[run]) / np.maximum(run_length - 1, 1)
    return length, offset


def _window_mean(x: np.ndarray, half: int) -> np.ndarray:
    """Mean of ``x`` over the ``half`` lines on each side and the line itself (edges: existing lines only)."""
    n = x.size
    cs = np.concatenate(([0.0], np.cumsum(x)))
    idx = np.arange(n)
    lo = np.maximum(idx - half, 0)
    hi = np.minimum(idx + half + 1, n)
    return (cs[hi] - cs[lo]) / (hi - lo)


def _distance(flags: np.ndarray, forward: bool) -> np.ndarray:
    """Lines since the last flagged line (or until the next one); n+1 when there is none."""
    n = flags.size
    idx = np.arange(n)
    if forward:
        marks = np.where(flags, idx, n * 2 + 1)
        nxt = np.minimum.accumulate(marks[::-1])[::-1]
        return np.minimum(nxt - idx, n + 1).astype(np.float64)
    marks = np.where(flags, idx, -n - 1)
    prev = np.maximum.accumulate(marks)
    return np.minimum(idx - prev, n + 1).astype(np.float64)


def title_guess(segments: list[TextSegment]) -> int | None:
    """Index of the first heading-like line among the first few: the line a spam template repeats."""
    for i, s in enumerate(segments[:5]):
        words = s.text.split()
        if 1 <= len(words) <= 25 and not s.text.rstrip().endswith((".", "!", "?", ",", ";")):
            return i
    return None


def _line_keys(texts: list[str], toks: list[list[str]], cjk: np.ndarray) -> list[str]:
    """Each line's identity for repetition checks (``patterns.line_keys``); a line with CJK (``cjk`` counts it
    per line) has its characters as tokens, not its ``\\w+`` runs, so it goes through ``normalise_line``."""
    return patterns.line_keys(texts, toks, _NORMALISED_MAX_CHARS, (cjk == 0).tolist())


def _occurrences(keys: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per line: the first line with the same key, how many lines before it have that key, and how many in
    all."""
    n = len(keys)
    first_line: dict[str, int] = {}
    first = np.fromiter(map(first_line.setdefault, keys, range(n)), dtype=np.intp, count=n)
    total = np.bincount(first, minlength=n)[first]
    order = np.argsort(first, kind="stable")
    grouped = first[order]
    earlier = np.empty(n, dtype=np.intp)
    earlier[order] = np.arange(n) - np.searchsorted(grouped, grouped, side="left")
    return first, earlier, total


def _title_overlap(toks: list[list[str]], title: int) -> np.ndarray:
    """Share of each line's distinct tokens that are in the title line's (0 for the title line itself)."""
    title_set = set(toks[title])
    out = np.zeros(len(toks))
    if title_set:
        out[:] = [len(title_set.intersection(t)) / len(set(t)) if t else 0.0 for t in toks]
        out[title] = 0.0
    return out


def _repetition(keys: list[str], toks: list[list[str]], segments: list[TextSegment]) -> np.ndarray:
    """Repetition columns from the lines' ``_line_keys`` and tokens."""
    n = len(keys)
    out = np.zeros((n, len(_REPEAT)))
    first, earlier, total = _occurrences(keys)
    out[:, 0] = earlier > 0
    out[:, 1] = total - earlier - 1 > 0
    out[1:, 2] = first[1:] == 0
    out[:, 4] = np.fromiter(map(math.log, total.tolist()), dtype=np.float64, count=n)
    tg = title_guess(segments)
    if tg is not None:
        is_title_repeat = (first == first[tg]) & (np.arange(n) != tg)
        out[:, 3] = is_title_repeat
        out[:, 5] = _title_overlap(toks, tg)
        later = np.flatnonzero(is_title_repeat[3:])
        if later.size:
            out[3 + later[0]:, 6] = 1.0
    return out


def _short_lines(count: np.ndarray) -> list[bool]:
    """Lines that have a line entry in the lexicon: 1 to ``LINE_MAX_TOKENS`` tokens."""
    return ((count >= 1) & (count <= LINE_MAX_TOKENS)).tolist()


def _body_overlap(tokens: _Tokens, long: np.ndarray, bits: np.ndarray) -> np.ndarray:
    """Per line: share of its content words that occur in some other long line (0 without content words).

    ``bits``: the tokens' ``language_bits`` (0 for a word in no stoplist)."""
    n = tokens.count.size
    size = len(tokens.word)
    if not size:
        return np.zeros(n)
    content = (tokens.length >= _TOPIC_MIN_CHARS) & (bits == 0)
    ids_of: dict[str, int] = {}
    ids = np.fromiter(map(ids_of.setdefault, tokens.word, range(size)), dtype=np.int64, count=size)
    in_long = content & long[tokens.line]
    pairs = np.unique(tokens.line[in_long] * size + ids[in_long])  # (long line, word) once each
    long_lines_with = np.bincount(pairs % size, minlength=size)
    # A long line's own words do not count for it: one long line fewer holds them elsewhere.
    elsewhere = long_lines_with[ids] - long[tokens.line] > 0
    hits = np.bincount(tokens.line, weights=content & elsewhere, minlength=n)
    total = np.bincount(tokens.line, weights=content, minlength=n)
    return np.divide(hits, total, out=np.zeros(n), where=total > 0)


def lexicon_keys(segments: list[TextSegment]) -> tuple[list[str], np.ndarray, list[str | None]]:
    """What ``text_features`` looks up in the lexicon: the page's tokens, the line of each token, and each
    line's key (None for lines without a line entry). For training, which counts these keys by label."""
    texts = [s.text for s in segments]
    lowered = [t.lower() for t in texts]
    # ``_TOKEN`` gives the same tokens as ``_WORD`` on text without CJK, and ``normalise_line`` the same keys
    # as ``_line_keys`` (both checked by the tests), so the slower general forms are used here.
    tokens = _tokens(lowered, True)
    keys = [patterns.normalise_line(t) if len(t) < _NORMALISED_MAX_CHARS else t for t in texts]
    short = _short_lines(tokens.count)
    return tokens.word, tokens.line, [k if s else None for k, s in zip(keys, short, strict=True)]


def lexicon_columns(tok_value: np.ndarray, tok_line: np.ndarray, count: np.ndarray,
                    line_value: np.ndarray) -> np.ndarray:
    """The ``LEXICON_FEATURES`` columns from looked-up values (NaN = not in the lexicon, read as neutral 0).

    ``tok_value``/``tok_line``: value and line of every token in page order; ``count``: tokens per line;
    ``line_value``: value of each line's key.
    """
    n = count.size
    if n == 0:
        return np.zeros((0, len(LEXICON_FEATURES)))
    known = ~np.isnan(tok_value)
    value = np.where(known, tok_value, 0.0)
    safe = np.maximum(count, 1)
    mean = np.bincount(tok_line, weights=value, minlength=n) / safe
    low = np.zeros(n)
    high = np.zeros(n)
    has = count > 0
    if value.size:
        first = (np.cumsum(count) - count)[has]
        low[has] = np.minimum.reduceat(value, first)
        high[has] = np.maximum.reduceat(value, first)
    line_known = ~np.isnan(line_value)
    line = np.where(line_known, line_value, 0.0)
    idx = np.arange(n)
    cum = np.cumsum(mean)
    before = np.divide(cum - mean, idx, out=np.zeros(n), where=idx > 0)
    after = np.divide(cum[-1] - cum, n - 1 - idx, out=np.zeros(n), where=idx < n - 1)
    page_mean = float(value.sum()) / max(int(count.sum()), 1)
    win7 = _window_mean(mean, 7)
    return np.column_stack([
        mean, low, high, np.bincount(tok_line, weights=known, minlength=n) / safe, line,
        line_known.astype(np.float64), _window_mean(mean, 2), win7, _window_mean(line, 2),
        _window_mean(line, 7), before, after, mean - page_mean,
    ] + [np.full(n, v) for v in (
        page_mean, float(mean.mean()), float((np.where(line_known, line, mean) < 0).mean()),
        float(win7.max()),
    )])


def text_features(segments: list[TextSegment], lexicon: Lexicon | None = None) -> np.ndarray:
    """Feature matrix, one row per segment, columns in ``FEATURES`` order.

    ``lexicon`` defaults to the shipped one (``declutter.lexicon.load_lexicon``); training passes its own.
    """
    n = len(segments)
    X = np.zeros((n, len(FEATURES)))
    if n == 0:
        return X
    texts = [s.text for s in segments]
    joined = "\n".join(texts)
    lowered_lines = [t.lower() for t in texts]
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
    chars = lengths.astype(np.float64)
    cs = _char_stats(joined, starts)
    # CJK counted in the text as written: lower-casing makes no CJK character.
    tokens = _tokens(lowered_lines, bool(cs["cjk"].any()))
    words = tokens.count.astype(np.float64)
    tok_chars = np.bincount(tokens.line, weights=tokens.length, minlength=n)
    bits = language_bits(tokens.word)
    stop, has_lang = stop_shares(tokens.word, tokens.line, tokens.count, bits)
    n_space_words = np.fromiter(map(len, map(str.split, texts)), dtype=np.float64, count=n)
    short_line = chars < _SHORT_CHARS
    with_digit = short_line & (cs["digit"] > 0)
    caps = cs["cap_words"] * short_line
    ends = [t.rstrip(_CLOSERS)[-1:] for t in texts]
    terminal = _ends_in(ends, _TERMINAL_CHARS)
    kv = _hits(_KEY_VALUE_M, texts, chars < 250)
    counter = _hits(_COUNTER, lowered_lines, with_digit)
    kinds = np.array([s.kind for s in segments])
    kind_of = {k: (kinds == k).astype(np.float64) for k in _KINDS}
    junk_heading = _hits(_JUNK_HEADING, lowered_lines, words <= 6)
    safe_chars = np.maximum(chars, 1.0)
    safe_words = np.maximum(words, 1.0)
    letters = cs["letter"].astype(np.float64)

    line_cols = [
        np.log1p(chars),
        np.log1p(words),
        tok_chars / safe_words,
        stop,
        terminal,
        np.minimum(caps / np.maximum(n_space_words, 1.0), 1.0) * short_line,
        cs["digit"] / safe_chars,
        cs["punct"] / safe_chars,
        cs["upper"] / np.maximum(letters, 1.0),
        kv,
        counter,
        _hits(_URL, lowered_lines, short_line & (cs["dot_colon"] > 0)),
        _hits(_EMAIL, lowered_lines, short_line & (cs["at"] > 0)),
        _hits(_PHONE, lowered_lines, with_digit),
        _hits(_DATE, lowered_lines, with_digit & (chars < 200)),
        _hits(_BOILERPLATE, lowered_lines, short_line),
        junk_heading,
        _ends_in(ends, frozenset(":：")),
        cs["first_lower"],
        (letters == 0).astype(np.float64),
        np.log1p(_longest(tokens)),
        kind_of["heading"],
        kind_of["list item"],
        kind_of["quote"],
        kind_of["table"],
        kind_of["code"],
        np.array([s.new_paragraph for s in segments], dtype=np.float64),
        np.array([s.blank_after for s in segments], dtype=np.float64),
        cs["separators"].astype(np.float64),
        ((letters >= 4) & (cs["upper"] == letters)).astype(np.float64),
        cs["cjk"] / safe_chars,
        np.log1p(cs["sentence_ends"].astype(np.float64)),
        cs["comma"] / safe_words,
        _ends_in(ends, frozenset("?？")),
    ]
    X[:, :len(_LINE)] = np.column_stack(line_cols)
    at = len(_LINE)
    keys = _line_keys(texts, tokens.per_line, cs["cjk"])
    X[:, at:at + len(_REPEAT)] = _repetition(keys, tokens.per_line, segments)
    at += len(_REPEAT)

    idx = np.arange(n, dtype=np.float64)
    total_chars = float(chars.sum()) or 1.0
    long = (words >= LONG_WORDS) & (terminal > 0)
    short = (words < SHORT_WORDS) & (terminal == 0)
    long_chars = np.where(long, chars, 0.0)
    total_long = float(long_chars.sum()) or 1.0
    cum_chars = np.cumsum(chars)
    cum_long = np.cumsum(long_chars)
    n_long_before = np.cumsum(long) - long
    n_long_after = long.sum() - np.cumsum(long)
    long_idx = np.flatnonzero(long)
    first_long = int(long_idx[0]) if long_idx.size else n
    last_long = int(long_idx[-1]) if long_idx.size else -1
    run_len, run_pos = _runs(short)
    kv_flag = (kv + counter) > 0
    kv_len, _ = _runs(kv_flag)
    tc_len, _ = _runs((X[:, _LINE.index("title_case_share")] >= 0.6) & (words < LONG_WORDS) & (terminal == 0))
    longest = int(np.argmax(chars))
    lw = np.log1p(words)
    kvf = kv_flag.astype(np.float64)
    heading = kind_of["heading"]
    page_median_lw = float(np.median(lw))
    jh_lines = np.flatnonzero(junk_heading)
    last_jh = np.maximum.accumulate(np.where(junk_heading > 0, np.arange(n), -1))
    after_jh = np.zeros(n)
    if jh_lines.size:
        since = np.arange(n) - last_jh
        after_jh = ((last_jh >= 0) & (since <= 30) & (_distance(long, False) > since)).astype(np.float64)

    ctx_cols = [
        idx / max(n - 1, 1),
        1.0 - idx / max(n - 1, 1),
        np.log1p(idx),
        np.log1p(n - 1 - idx),
        (cum_chars - chars) / total_chars,
        (total_chars - cum_chars) / total_chars,
        (total_long - cum_long) / total_long,
        (cum_long - long_chars) / total_long,
        np.log1p(n_long_before),
        np.log1p(n_long_after),
        np.log1p(_distance(long, False)),
        np.log1p(_distance(long, True)),
        (idx > last_long).astype(np.float64),
        (idx < first_long).astype(np.float64),
        np.log1p(run_len),
        run_pos,
        np.log1p(kv_len),
        np.log1p(tc_len),
        _shift(lw, 1),
        _shift(lw, -1),
        _shift(terminal, 1),
        _shift(terminal, -1),
        _shift(stop, 1),
        _shift(stop, -1),
        _shift(kvf, 1),
        _shift(kvf, -1),
        _shift(heading, 1),
        _shift(heading, -1),
        _window_mean(lw, 2),
        _window_mean(terminal, 2),
        _window_mean(stop, 2),
        _window_mean(lw, 7),
        _window_mean(terminal, 7),
        _window_mean(stop, 7),
        _window_mean(short.astype(np.float64), 7),
        _window_mean(kvf, 7),
        (idx - longest) / n,
        (idx > longest).astype(np.float64),
        lw - page_median_lw,
        after_jh,
    ]
    X[:, at:at + len(_CONTEXT)] = np.column_stack(ctx_cols)
    at += len(_CONTEXT)

    page_vals = [
        math.log1p(n),
        math.log1p(total_chars),
        float(long.mean()),
        float(terminal.mean()),
        float(stop.mean()),
        float(lw.mean()),
        float(X[:, _LINE.index("new_paragraph")].mean()),
        float(short.mean()),
        1.0 if has_lang else 0.0,
        first_long / n,
        (last_long + 1) / n,
        float(long_chars.sum()) / total_chars,
    ]
    X[:, at:at + len(_PAGE)] = np.asarray(page_vals)
    at += len(_PAGE)
    overlap = _body_overlap(tokens, long, bits)
    X[:, at:at + len(_TOPIC)] = np.column_stack([overlap, _window_mean(overlap, 2), _window_mean(overlap, 7)])
    at += len(_TOPIC)
    lex = load_lexicon() if lexicon is None else lexicon
    if lex.tokens or lex.lines:  # an empty lexicon gives zero columns: skip the look-ups
        line_values = lex.line_values(keys, _short_lines(tokens.count))
        X[:, at:] = lexicon_columns(lex.token_values(tokens.word), tokens.line, tokens.count, line_values)
    return X
