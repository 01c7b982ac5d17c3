"""The learned lexicon of the text scorer: loading, neutral unknowns, honest cross-fitting, and its effect.

Counting and cross-fitting are checked on tiny hand-made pages; the shipped file only for its shape, its
size and its link to the shipped model.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from importlib import resources

import numpy as np
import pytest
from _text_pages import read

import declutter
from declutter import features_text as ft
from declutter.lexicon import EMPTY, LINE_MAX_TOKENS, Lexicon, lexicon_from_dict, load_lexicon
from declutter.model import load_model
from declutter.segment_text import segment_text
from declutter.train import lexicon_text as lt

LEX_COLS = slice(len(ft.FEATURES) - len(ft.LEXICON_FEATURES), None)

PAGE = "\n".join([
    "Home",
    "Sign in",
    "The harbour reopened on Monday after the storm, and the ferries were running again by noon.",
    "Fishermen said the damage was smaller than feared.",
    "Share this article",
    "北京新闻 今天天气很好。",
])


def _lexicon_file() -> bytes:
    return (resources.files("declutter") / "data" / "lexicon" / "text.json.gz").read_bytes()


def test_lexicon_loads_once() -> None:
    first = load_lexicon()
    assert load_lexicon() is first and load_lexicon("text") is first
    assert load_lexicon("html") is load_lexicon("html") is not first


def test_shipped_lexicon_is_small_and_versioned_with_the_text_model() -> None:
    """The lexicon file is the one the model was trained with; a model without lexicon features ships none."""
    raw = _lexicon_file()
    assert len(raw) <= 2 * 1024 * 1024
    lex = lexicon_from_dict(json.loads(gzip.decompress(raw)))
    model = load_model("text")
    assert lex.version == model.version
    if set(model.features) & set(ft.LEXICON_FEATURES):
        assert model.meta["lexicon"]["sha1"] == hashlib.sha1(raw).hexdigest()
    else:
        assert not lex.tokens and not lex.lines
    assert all(np.isfinite(list(lex.tokens.values()))) and all(np.isfinite(list(lex.lines.values())))


def test_unknown_tokens_and_lines_are_neutral() -> None:
    segs = segment_text(PAGE)
    unrelated = Lexicon({"zzzz": -3.0, "qqqq": 2.0}, {"nothing like this": -2.0})
    assert not ft.text_features(segs, EMPTY)[:, LEX_COLS].any()
    assert np.array_equal(ft.text_features(segs, unrelated), ft.text_features(segs, EMPTY))


def test_skipping_an_empty_lexicon_is_exact() -> None:
    """``text_features`` skips the look-ups for an empty lexicon; the columns would be all zeros anyway."""
    words, word_line, keys = ft.lexicon_keys(segment_text(PAGE))
    count = np.bincount(word_line, minlength=len(keys))
    cols = ft.lexicon_columns(np.full(len(words), np.nan), word_line, count, np.full(len(keys), np.nan))
    assert cols.shape == (len(keys), len(ft.LEXICON_FEATURES)) and not cols.any()


def test_junk_tokens_lower_the_line_and_the_page_columns() -> None:
    segs = segment_text(PAGE)
    lex = Lexicon({"sign": -1.0, "share": -2.0, "harbour": 1.0}, {"sign in": -2.5})
    X = ft.text_features(segs, lex)
    col = {n: i for i, n in enumerate(ft.FEATURES)}
    assert X[1, col["lex_line"]] == -2.5 and X[1, col["lex_line_known"]] == 1.0
    assert X[4, col["lex_tok_min"]] == -2.0 and X[2, col["lex_tok_max"]] == 1.0
    assert X[2, col["lex_line_known"]] == 0.0  # a long line has no line entry
    assert X[0, col["page_lex_tok_mean"]] < 0.0


def test_cjk_characters_are_tokens_of_their_own() -> None:
    words, _line, keys = ft.lexicon_keys(segment_text("北京新闻\n今天天气很好"))
    assert words == list("北京新闻今天天气很好")
    assert keys == ["北京新闻", "今天天气很好"]
    X = ft.text_features(segment_text("北京新闻\n今天天气很好"), Lexicon({"新": -1.0}, {}))
    assert X[0, LEX_COLS][ft.LEXICON_FEATURES.index("lex_tok_min")] == -1.0


def test_training_lookup_by_ids_equals_the_shipped_lookup_by_strings() -> None:
    """The trainer fills the lexicon columns from ids and value arrays; inference from the dicts."""
    segs = segment_text(PAGE + "\n" + read("nato-scraped-page.txt"))
    words, word_line, keys = ft.lexicon_keys(segs)
    vocab = sorted(set(words))
    key_vocab = sorted({k for k in keys if k is not None})
    rng = np.random.default_rng(3)
    tok_values = np.round(rng.normal(size=len(vocab)), 2)
    tok_values[rng.random(len(vocab)) < 0.3] = np.nan
    key_values = np.round(rng.normal(size=len(key_vocab)), 2)
    key_values[::3] = np.nan
    lex = Lexicon(lt.as_dict(tok_values, vocab), lt.as_dict(key_values, key_vocab))
    tok_id = {w: i for i, w in enumerate(vocab)}
    key_id = {k: i for i, k in enumerate(key_vocab)}
    by_ids = ft.lexicon_columns(
        tok_values[[tok_id[w] for w in words]], word_line, np.bincount(word_line, minlength=len(segs)),
        np.array([np.nan if k is None else key_values[key_id[k]] for k in keys]))
    assert np.array_equal(by_ids, ft.text_features(segs, lex)[:, LEX_COLS])


def test_line_entries_are_for_short_lines_only() -> None:
    _w, _l, keys = ft.lexicon_keys(segment_text("one two\n" + " ".join(["word"] * (LINE_MAX_TOKENS + 1))))
    assert keys == ["one two", None]


def _counts(pages: list[tuple[list[int], list[int], str, int]], size: int) -> lt.FoldCounts:
    """FoldCounts of pages given as (key ids, labels, domain, fold)."""
    inc = [(np.asarray(ids), np.asarray(y) > 0) for ids, y, _d, _f in pages]
    return lt.FoldCounts.count(inc, [f for *_x, f in pages], [d for _i, _y, d, _f in pages], 3, size)


def test_keys_seen_on_too_few_domains_are_left_out() -> None:
    # key 0: junk on 3 domains; key 1: junk on 2 domains only, however often.
    pages = [([0, 0, 1, 1], [0, 0, 0, 0], f"d{i % 2}", i % 2) for i in range(20)]
    pages += [([0, 2], [0, 1], "d9", 2)]
    values = _counts(pages, 3).values()
    assert values[0] < 0 and np.isnan(values[1])


def test_values_shrink_towards_zero_with_few_observations() -> None:
    few = lt.log_odds(np.array([0.0, 50.0]), np.array([6.0, 50.0]), np.array([5.0, 5.0]))
    many = lt.log_odds(np.array([0.0, 500.0]), np.array([60.0, 500.0]), np.array([5.0, 5.0]))
    assert many[0] < few[0] < 0


def test_a_fold_left_out_is_never_counted() -> None:
    """Cross-fitting: the lexicon "without fold k" equals one counted on the other folds' pages only."""
    pages = [([0, 1, 2], [0, 1, 1], "a", 0), ([0, 1], [0, 0], "b", 1), ([0, 2, 1], [0, 1, 0], "c", 2),
             ([0, 1, 2], [1, 1, 0], "e", 0), ([1, 2], [1, 0], "f", 1), ([2, 0], [0, 0], "g", 2)]
    full = _counts(pages, 3)
    for k in range(3):
        rest = _counts([(i, y, d, f) for i, y, d, f in pages if f != k], 3)
        assert np.array_equal(full.values(frozenset({k})), rest.values(), equal_nan=True)


def test_a_key_repeated_on_one_page_counts_at_most_page_cap_times() -> None:
    inc = lt.token_incidences(np.array([5, 5, 5, 5, 5]), np.arange(5), np.zeros(5, np.int8), 10)
    content, junk = np.zeros(10), np.zeros(10)
    lt._add_page(content, junk, *inc)
    assert junk[5] == lt.PAGE_CAP and content.sum() == 0


INTERFACE_ONLY = "\n".join([
    "Sign in", "Create account", "My account", "Cart", "Wishlist", "Track your order", "Help & FAQ",
    "Shipping & returns", "Contact us", "Store locator", "Gift cards", "Newsletter", "Sign up",
    "Privacy policy", "Terms & conditions", "Cookie settings", "© 2024 All rights reserved",
])


def test_an_interface_only_text_is_dropped() -> None:
    assert declutter.extract(INTERFACE_ONLY, input_kind="text") == ""


ARTICLE = [
    "The old lighthouse on the northern cape will be restored over the next two summers, the county said.",
    "Engineers found that the tower itself is sound, but the lamp room and the keeper's cottage need repairs "
    "that the local trust could not pay for on its own.",
    "Volunteers have kept the grounds open to walkers since the light was automated in the 1980s, and they "
    "will go on guiding visitors while the scaffolding is up.",
    "The first stage, the new roof of the cottage, starts in May and should be finished before the autumn "
    "storms.",
]
JUNK_TAIL = ["Share this article", "Facebook", "Twitter", "Related posts", "Ten walks along the coast",
             "Where to eat by the harbour", "Leave a comment", "Subscribe to our newsletter",
             "© 2024 Coastal News. All rights reserved."]


@pytest.fixture(scope="module")
def article_with_tail() -> declutter.Document:
    page = "\n\n".join(["Lighthouse to be restored", *ARTICLE, *JUNK_TAIL])
    return declutter.clean(page, input_kind="text")


def test_an_article_with_a_junk_tail_keeps_the_article(article_with_tail: declutter.Document) -> None:
    kept = [b.text for b in article_with_tail.content_blocks]
    for paragraph in ARTICLE:
        assert paragraph in kept


def test_an_article_with_a_junk_tail_drops_the_tail(article_with_tail: declutter.Document) -> None:
    kept = {b.text for b in article_with_tail.content_blocks}
    assert not kept & set(JUNK_TAIL)


def test_page_margin_empties_a_page_without_one_confident_line() -> None:
    from declutter.smooth import decide

    scores = np.array([0.31, 0.33, 0.1])
    assert decide(scores, 0.3, {}).tolist() == [True, True, False]
    assert not decide(scores, 0.3, {"page_margin": 0.05}).any()
    assert decide(np.append(scores, 0.9), 0.3, {"page_margin": 0.05}).tolist() == [True, True, False, True]
