"""The text path's vectorised helpers give exactly what the straightforward per-line code gives.

Each fast helper (code-point counts instead of regex matches, numpy groupings instead of loops over lines, the
level-by-level tree layout, cached reasons) is compared with a plain reference implementation on the text
fixtures and on a page of edge cases. Equality is exact: outputs must not move by a single bit.
"""

from __future__ import annotations

import gzip
import json
import math
import re
import sys
from importlib import resources

import numpy as np
import pytest
from conftest import FIXTURES

from declutter import features_text as ft
from declutter import label, patterns
from declutter.model import TreeModel, load_model, model_from_dict
from declutter.segment_text import _BULLET, _MD_HEADING, _TABLE, _TERMINAL, TextSegment, segment_text
from declutter.stopwords import stop_shares, stoplists, word_languages

EDGE_CASES = "\n".join([
    "Snake_case_words and a_-b mixed__up",
    "İstanbul ŞEHİR haberleri",
    "Ωmega Ελλάδα Привет Мир",
    "non\u00a0breaking\u2003em space\u3000ideographic",
    "Done!Next? Yes.  Again!\tTabbed. 終わり。次！",
    "Home » News › Sport | Weather · More • Less / Other > Last",
    "'\"”’»)]",
    "",
    "• bullet item",
    "1) numbered item",
    "(12) bracketed item",
    "a. lettered item",
    "b) lettered item",
    "١. arabic-indic digit",
    "# Heading one",
    "####### too many hashes",
    "#hashtag",
    "> quoted text",
    ">also quoted",
    "a line before code",
    "    indented code line",
    "| a | b |",
    "x | y | z",
    "",
    "Short Heading Line",
    "",
    "Fourteen words make a heading when they stand alone between blank lines like these",
    "",
    "Fifteen words make a paragraph when they stand alone between blank lines like these do",
    "",
    "Author: Jane Doe",
    "Views: 6455",
    "Contact: jane@example.com, www.example.org, +1 (555) 123-4567, 2024-01-02",
    "Cookie policy · Privacy policy · Terms of use",
    "Related posts",
    "Snake_case_words and a_-b mixed__up",
    "İstanbul ŞEHİR haberleri",
    "line\u2028with a line separator and \x0cform feed",
    "Windows line\r\n\r\n  Old Mac line\r\tTabbed line",
    "word " * 120,
    "word " * 120,
    "北京新闻 今天北京的天气很好，很多人去公园散步。我们在湖边看到了很多花。",
])


def _pages() -> dict[str, str]:
    pages = {p.name: p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("*.txt"))}
    pages["edge cases"] = EDGE_CASES
    return pages


PAGES = _pages()


# --- reference implementations: the per-line code the fast helpers replace ---------------------------------

def ref_kind(line: str, stripped: str, new_paragraph: bool, blank_after: bool) -> tuple[str, int]:
    m = _MD_HEADING.match(stripped)
    if m:
        return "heading", len(m.group(1))
    if _BULLET.match(stripped):
        return "list item", 1
    if re.match(r"^>\s?", stripped):
        return "quote", 0
    if len(line) - len(line.lstrip(" ")) >= 4 and not new_paragraph:
        return "code", 0
    if stripped.count("|") >= 2 and _TABLE.search(stripped):
        return "table", 0
    words = stripped.split()
    if (new_paragraph and blank_after and 1 <= len(words) <= 14 and not _TERMINAL.search(stripped)
            and stripped[0].isupper()):
        return "heading", 2
    return "paragraph", 0


def ref_segment_text(text: str) -> list[tuple]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[list] = []
    blank_before = True
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            blank_before = True
            if out:
                out[-1][5] = True
            continue
        out.append([stripped, "", 0, i, blank_before, False, len(line) - len(line.lstrip())])
        blank_before = False
    if out:
        out[-1][5] = True
    for seg in out:
        seg[1], seg[2] = ref_kind(lines[seg[3]], seg[0], seg[4], seg[5])
    return [tuple(s) for s in out]


def ref_hits(pattern: re.Pattern[str], lines: list[str], mask: np.ndarray | None = None,
             count: bool = False) -> np.ndarray:
    """Matches (or whether any) per line of one scan over the joined lines, lines outside ``mask`` blanked."""
    n = len(lines)
    out = np.zeros(n)
    if mask is not None:
        lines = [t if k else "" for t, k in zip(lines, mask, strict=True)]
    starts = np.concatenate(([0], np.cumsum([len(t) + 1 for t in lines])[:-1]))
    for m in pattern.finditer("\n".join(lines)):
        owner = np.searchsorted(starts, m.start(), side="right") - 1
        out[owner] = out[owner] + 1.0 if count else 1.0
    return out


def ref_runs(flags: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = flags.size
    length, offset = np.zeros(n), np.zeros(n)
    i = 0
    while i < n:
        if not flags[i]:
            i += 1
            continue
        e = i
        while e < n and flags[e]:
            e += 1
        length[i:e] = e - i
        offset[i:e] = np.arange(e - i) / max(e - i - 1, 1)
        i = e
    return length, offset


def ref_repetition(texts: list[str], toks: list[list[str]], segments: list[TextSegment]) -> np.ndarray:
    n = len(texts)
    out = np.zeros((n, len(ft._REPEAT)))
    keys = [patterns.normalise_line(t) if len(t) < 400 else t for t in texts]
    total: dict[str, int] = {}
    for k in keys:
        total[k] = total.get(k, 0) + 1
    seen: dict[str, int] = {}
    tg = ft.title_guess(segments)
    title_key = keys[tg] if tg is not None else None
    title_set = set(toks[tg]) if tg is not None else set()
    repeat_at = -1
    for i, k in enumerate(keys):
        c = seen.get(k, 0)
        out[i, 0] = 1.0 if c else 0.0
        out[i, 1] = 1.0 if total[k] - c - 1 > 0 else 0.0
        out[i, 2] = 1.0 if i > 0 and k == keys[0] else 0.0
        is_title_repeat = tg is not None and i != tg and k == title_key
        out[i, 3] = 1.0 if is_title_repeat else 0.0
        out[i, 4] = math.log(total[k])
        if title_set and toks[i] and i != tg:
            out[i, 5] = len(title_set.intersection(toks[i])) / len(set(toks[i]))
        if is_title_repeat and repeat_at < 0 and i > 2:
            repeat_at = i
        seen[k] = c + 1
    if repeat_at >= 0:
        out[repeat_at:, 6] = 1.0
    return out


def ref_stop_shares(toks: list[list[str]]) -> tuple[np.ndarray, bool]:
    table = word_languages()
    flat = [table.get(w, 0) for ts in toks for w in ts]
    if not flat:
        return np.zeros(len(toks)), False
    per_lang = [sum(b >> i & 1 for b in flat) for i in range(len(stoplists()))]
    best = int(np.argmax(per_lang))
    if per_lang[best] == 0:
        return np.zeros(len(toks)), False
    shares = [sum(table.get(w, 0) >> best & 1 for w in ts) / len(ts) if ts else 0.0 for ts in toks]
    return np.array(shares), True


def ref_page_reasons(X: np.ndarray, names: tuple[str, ...], labels: list[str], limit: int) -> list[tuple]:
    col = {n: i for i, n in enumerate(names)}
    ops = {">=": np.greater_equal, "<=": np.less_equal, "==": np.equal}
    rules = [(col[f], op, v, reason, side) for f, op, v, reason, side in label.REASON_RULES if f in col]
    out = []
    for row, lab in zip(X, labels, strict=True):
        agree: list[str] = []
        other: list[str] = []
        for c, op, v, reason, side in rules:
            if ops[op](row[c], v):
                bucket = agree if side == lab else other
                if reason not in bucket:
                    bucket.append(reason)
        out.append(tuple((agree + other)[:limit]))
    return out


def _segments(page: str) -> list[TextSegment]:
    return segment_text(page)


def _char_stats(texts: list[str]) -> dict[str, np.ndarray]:
    lengths = np.array([len(t) for t in texts])
    return ft._char_stats("\n".join(texts), np.concatenate(([0], np.cumsum(lengths + 1)[:-1])))


# --- tests ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(PAGES))
def test_segment_text_matches_reference(name: str) -> None:
    got = [(s.text, s.kind, s.level, s.line_no, s.new_paragraph, s.blank_after, s.indent)
           for s in segment_text(PAGES[name])]
    assert got == ref_segment_text(PAGES[name])


def test_segment_kinds_are_exercised() -> None:
    kinds = {s.kind for page in PAGES.values() for s in segment_text(page)}
    assert kinds >= {"heading", "list item", "quote", "code", "table", "paragraph"}


def test_space_table_matches_the_regex_for_every_code_point() -> None:
    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    assert np.flatnonzero(ft._SPACE_TABLE).tolist() == [m.start() for m in re.finditer(r"\s", everything)]


def test_lower_casing_makes_no_cjk_and_no_underscore() -> None:
    # Tokenising and repetition keys take shortcuts for lines without CJK or "_", judged before lower-casing.
    cjk = re.compile(f"[{ft._CJK_CLASS}]")
    everything = "".join(chr(c) for c in range(sys.maxunicode + 1) if not cjk.match(chr(c)) and c != ord("_"))
    lowered = everything.lower()
    assert cjk.search(lowered) is None and "_" not in lowered
    # ... and the per-line CJK count those shortcuts read counts every character of the class.
    cjk_chars = "".join(chr(c) for c in range(0x10000) if cjk.match(chr(c)))
    assert ft._char_stats(cjk_chars, np.array([0]))["cjk"].tolist() == [len(cjk_chars)]


def test_character_counts_match_the_patterns_for_every_code_point() -> None:
    # Every code point on a line of its own (surrogates cannot be encoded, and "\n" separates the lines), so
    # a character's line is also the "\n" before and after it: character i sits at offset 2 * i.
    chars = [chr(c) for c in range(sys.maxunicode + 1) if c != 10 and not 0xD800 <= c <= 0xDFFF]
    joined = "\n".join(chars)
    cs = ft._char_stats(joined, np.arange(len(chars)) * 2)
    for key, pattern in (("cap_words", ft._CAP_WORD), ("separators", patterns.SEPARATORS),
                         ("sentence_ends", patterns.SENTENCE_END)):
        starts = [m.start() for m in pattern.finditer(joined)]
        assert all(s % 2 == 0 for s in starts), key
        assert np.flatnonzero(cs[key]).tolist() == [s // 2 for s in starts], key
        assert cs[key].max() == 1 and len(starts) >= 6, key


@pytest.mark.parametrize("name", sorted(PAGES))
def test_character_counts_match_the_regexes(name: str) -> None:
    texts = [s.text for s in _segments(PAGES[name])]
    cs = _char_stats(texts)
    short = np.array([len(t) < 300 for t in texts])
    assert np.array_equal(cs["cap_words"] * short, ref_hits(ft._CAP_WORD, texts, short, count=True))
    assert np.array_equal(cs["separators"], ref_hits(patterns.SEPARATORS, texts, count=True))
    sentence_ends = ref_hits(patterns.SENTENCE_END, [t + " " for t in texts], count=True)
    assert np.array_equal(cs["sentence_ends"], sentence_ends)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_hits_match_the_original_scan(name: str) -> None:
    lowered = [s.text.lower() for s in _segments(PAGES[name])]
    short = np.array([len(t) < 300 for t in lowered])
    for pattern in (ft._URL, ft._EMAIL, ft._BOILERPLATE, ft._DATE, ft._KEY_VALUE_M):
        assert np.array_equal(ft._hits(pattern, lowered, short), ref_hits(pattern, lowered, short))
        assert np.array_equal(ft._hits(pattern, lowered), ref_hits(pattern, lowered))


#: Strings around the lookahead classes of ``patterns.for_lowered``: every branch of each pattern, matches
#: after letters, digits and brackets, and near misses.
_PATTERN_EDGES = [
    "4.4 / 5", "(65 voted)", "88%", "1.2k views", "★★★★☆", "x12 / 3", "a(3)", "3 out of 5", "7 von 10",
    "( 12 )", "12,5 %", "10 likes", "+1 (555) 123-4567", "a+49 30 1234567", "tel 030-1234567",
    "2024-01-02", "x2024-01-02", "1/2/2024", "jan 3, 2024", "3 january 2024", "sept. 12 2023", "dec 1 99",
    "mayday 12 2024", "on 12 march 2021.", "(1)(2)", "٣ out of ٥", "١٢٣٤-٠١-٠٢",
]


def test_lookahead_patterns_find_the_plain_patterns_matches() -> None:
    """``for_lowered``'s start lookahead only skips positions where the pattern cannot match."""
    lines = [s.text.lower() for page in PAGES.values() for s in _segments(page)] + _PATTERN_EDGES
    text = "\n".join(lines)
    pairs = ((patterns.COUNTER, patterns.COUNTER_STARTS), (patterns.PHONE, patterns.PHONE_STARTS),
             (patterns.DATE, patterns.DATE_STARTS))
    for pattern, starts in pairs:
        plain = re.compile(pattern.pattern, (pattern.flags & ~re.I) | re.M)
        fast = patterns.for_lowered(pattern, starts, multiline=True)
        found = [m.span() for m in plain.finditer(text)]
        assert len(found) > 5, pattern.pattern
        assert [m.span() for m in fast.finditer(text)] == found


def test_url_and_email_scans_skip_only_lines_they_cannot_match() -> None:
    lines = [s.text.lower() for page in PAGES.values() for s in _segments(page)]
    lines += ["https://x", "www.y", "mail me at a@b.co", "a.com", "@ home", "no shape here"]
    cs = _char_stats(lines)
    every = np.ones(len(lines), dtype=bool)
    assert np.array_equal(ft._hits(ft._URL, lines, cs["dot_colon"] > 0), ref_hits(ft._URL, lines, every))
    assert np.array_equal(ft._hits(ft._EMAIL, lines, cs["at"] > 0), ref_hits(ft._EMAIL, lines, every))
    assert ref_hits(ft._EMAIL, lines).sum() > 0


def test_character_counts_are_not_vacuous() -> None:
    texts = [s.text for page in PAGES.values() for s in _segments(page)]
    for pattern, suffix in ((ft._CAP_WORD, ""), (patterns.SEPARATORS, ""), (patterns.SENTENCE_END, " ")):
        assert ref_hits(pattern, [t + suffix for t in texts], count=True).sum() > 20
    lowered = [t.lower() for t in texts]
    for pattern in (ft._URL, ft._EMAIL, ft._BOILERPLATE, ft._DATE, ft._KEY_VALUE_M):
        assert ref_hits(pattern, lowered).sum() > 0


@pytest.mark.parametrize("name", sorted(PAGES))
def test_tokens_and_stop_shares_match_per_line_code(name: str) -> None:
    texts = [s.text for s in _segments(PAGES[name])]
    lowered = [t.lower() for t in texts]
    toks = [ft._TOKEN.findall(t) for t in lowered]
    tokens = ft._tokens(lowered, bool(_char_stats(texts)["cjk"].any()))
    assert ft._tokens(lowered, True).per_line == toks
    assert tokens.per_line == toks
    assert tokens.count.tolist() == [len(t) for t in toks]
    assert ft._longest(tokens).tolist() == [float(max(map(len, t), default=0)) for t in toks]
    tok_chars = np.bincount(tokens.line, weights=tokens.length, minlength=len(toks))
    assert tok_chars.tolist() == [float(sum(map(len, t))) for t in toks]
    shares, has_lang = stop_shares(tokens.word, tokens.line, tokens.count)
    ref_shares, ref_has_lang = ref_stop_shares(toks)
    assert has_lang == ref_has_lang
    assert np.array_equal(shares, ref_shares)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_repetition_matches_per_line_code(name: str) -> None:
    segments = _segments(PAGES[name])
    texts = [s.text for s in segments]
    lowered = [t.lower() for t in texts]
    toks = [ft._TOKEN.findall(t) for t in lowered]
    cjk = _char_stats(texts)["cjk"]
    want_keys = [patterns.normalise_line(t) if len(t) < 400 else t for t in texts]
    keys = ft._line_keys(texts, toks, cjk)
    assert keys == want_keys
    want = ref_repetition(texts, toks, segments)
    assert np.array_equal(ft._repetition(keys, toks, segments), want)


def test_repetition_is_not_vacuous() -> None:
    found = np.zeros(len(ft._REPEAT))
    for page in PAGES.values():
        segments = _segments(page)
        texts = [s.text for s in segments]
        found += ref_repetition(texts, [ft._TOKEN.findall(t.lower()) for t in texts], segments).sum(axis=0)
    assert (found > 0).all()


def test_runs_match_a_loop() -> None:
    rng = np.random.default_rng(7)
    cases = [np.zeros(0, bool), np.zeros(5, bool), np.ones(5, bool), np.array([True]), np.array([0, 1], bool)]
    cases += [rng.random(n) < p for n in (1, 2, 17, 300) for p in (0.2, 0.5, 0.9)]
    for flags in cases:
        got, want = ft._runs(flags), ref_runs(flags)
        assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])


@pytest.mark.parametrize("limit", [1, 3, 10])
def test_page_reasons_match_the_rule_loop(limit: int) -> None:
    rng = np.random.default_rng(3)
    n_reasons = 0
    for page in PAGES.values():
        X = ft.text_features(_segments(page))
        labels = [("content", "junk")[k] for k in rng.integers(0, 2, len(X))]
        want = ref_page_reasons(X, ft.FEATURES, labels, limit)
        assert label.page_reasons(X, ft.FEATURES, labels, limit) == want
        assert label.page_reasons(X.astype(np.float32), ft.FEATURES, labels, limit) == ref_page_reasons(
            X.astype(np.float32), ft.FEATURES, labels, limit)
        n_reasons += sum(map(len, want))
    assert n_reasons > 100


def _model_dict(name: str) -> dict:
    data = (resources.files("declutter") / "data" / "models" / f"{name}.json.gz").read_bytes()
    return json.loads(gzip.decompress(data))


def _split_values(model: TreeModel, n_rows: int, rng: np.random.Generator) -> np.ndarray:
    """Rows with values on, just above and just below the model's own thresholds: every branch is taken."""
    X = np.zeros((n_rows, len(model.features)))
    for f in range(X.shape[1]):
        cuts = model.threshold_[model.feature == f]
        if cuts.size:
            pick = rng.choice(cuts, n_rows)
            X[:, f] = pick + rng.choice([-1e-9, 0.0, 1e-9], n_rows) * np.maximum(np.abs(pick), 1.0)
    return X


@pytest.mark.parametrize("name", ["text", "html"])
def test_tree_levels_match_the_node_walk(name: str) -> None:
    model = model_from_dict(_model_dict(name), name)
    assert isinstance(model, TreeModel) and model._levels is not None
    rng = np.random.default_rng(11)
    X = _split_values(model, 700, rng)
    with_nan = X.copy()
    with_nan[rng.random(X.shape) < 0.1] = np.nan
    for M in (X, with_nan, X[:1], np.asfortranarray(X[:150])):
        want = model._walk_nodes(M)
        assert np.array_equal(model.raw(M), want)
        assert np.array_equal(model._walk_levels(M, model._levels), want)
    assert np.unique(model.raw(X)).size > 100


def test_text_model_on_fixture_pages_matches_the_node_walk() -> None:
    model = load_model("text")
    assert isinstance(model, TreeModel)
    for page in PAGES.values():
        X = ft.text_features(_segments(page))
        assert np.array_equal(model.raw(X), model._walk_nodes(X))
