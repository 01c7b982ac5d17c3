"""Scores to labels, and the short human-readable reasons ``--explain`` shows.

Reasons are read off the feature row with the rules in ``REASON_RULES`` (data, not code paths): they name
evidence the model sees, ordered so that evidence agreeing with the label comes first.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence

import numpy as np

_OPS: dict[str, Callable[[float, float], bool]] = {">=": operator.ge, "<=": operator.le, "==": operator.eq}

#: (feature, op, value, reason, which label it argues for)
REASON_RULES: tuple[tuple[str, str, float, str, str], ...] = (
    ("repeats_first", "==", 1.0, "repeats the title", "junk"),
    ("repeats_title_guess", "==", 1.0, "repeats the title", "junk"),
    ("repeats_title", "==", 1.0, "repeats the title", "junk"),
    ("repeats_earlier", "==", 1.0, "repeated line", "junk"),
    ("key_value", "==", 1.0, "profile field", "junk"),
    ("counter", "==", 1.0, "counter", "junk"),
    ("run_kv_len", ">=", 1.1, "field list", "junk"),
    ("run_title_case_len", ">=", 1.61, "title list", "junk"),
    ("run_short_len", ">=", 1.95, "run of short lines", "junk"),
    ("boilerplate_phrase", "==", 1.0, "interface phrase", "junk"),
    ("link_density", ">=", 0.5, "link-dense", "junk"),
    ("in_nav", "==", 1.0, "inside <nav>", "junk"),
    ("in_footer", "==", 1.0, "inside <footer>", "junk"),
    ("in_aside", "==", 1.0, "inside <aside>", "junk"),
    ("in_header", "==", 1.0, "inside <header>", "junk"),
    ("in_form", "==", 1.0, "inside <form>", "junk"),
    ("cls_nav", "<=", 2.0, "nav class", "junk"),
    ("cls_aside", "<=", 2.0, "sidebar/related class", "junk"),
    ("cls_footer", "<=", 2.0, "footer class", "junk"),
    ("cls_social", "<=", 1.0, "share class", "junk"),
    ("cls_comment", "<=", 2.0, "comment class", "junk"),
    ("cls_cookie", "<=", 2.0, "cookie/modal class", "junk"),
    ("url_like", "==", 1.0, "URL", "junk"),
    ("email_like", "==", 1.0, "e-mail address", "junk"),
    ("phone_like", "==", 1.0, "phone number", "junk"),
    ("after_longest", "==", 1.0, "after the article body", "junk"),
    ("long_after_share", "<=", 0.0, "no text after it", "junk"),
    ("log_words", "<=", 1.8, "short line", "junk"),
    ("log_words", ">=", 3.0, "long text", "content"),
    ("terminal_punct", "==", 1.0, "sentence", "content"),
    ("stop_share", ">=", 0.3, "function words", "content"),
    ("in_article", "==", 1.0, "inside <article>", "content"),
    ("in_main", "==", 1.0, "inside <main>", "content"),
    ("cls_content", "<=", 2.0, "content class", "content"),
    ("in_best_container", "==", 1.0, "main text container", "content"),
    ("win_terminal_mean", ">=", 0.6, "among sentences", "content"),
)


def reasons_for(row: np.ndarray, names: Sequence[str], label: str, limit: int = 3) -> tuple[str, ...]:
    """Up to ``limit`` reasons that fire for this feature row, those agreeing with ``label`` first."""
    col = _index(tuple(names))
    agree: list[str] = []
    other: list[str] = []
    for feature, op, value, reason, side in REASON_RULES:
        i = col.get(feature)
        if i is None or not _OPS[op](float(row[i]), value):
            continue
        bucket = agree if side == label else other
        if reason not in bucket:
            bucket.append(reason)
    return tuple((agree + other)[:limit])


_INDEX_CACHE: dict[tuple[str, ...], dict[str, int]] = {}


def _index(names: tuple[str, ...]) -> dict[str, int]:
    col = _INDEX_CACHE.get(names)
    if col is None:
        col = _INDEX_CACHE[names] = {n: i for i, n in enumerate(names)}
    return col
