"""Scores to labels, and the short human-readable reasons ``--explain`` shows.

Reasons are read off the feature row with the rules in ``REASON_RULES`` (data, not code paths): they name
evidence the model sees, ordered so that evidence agreeing with the label comes first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

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
    return page_reasons(row[None, :], names, [label], limit)[0]


def page_reasons(X: np.ndarray, names: Sequence[str], labels: Sequence[str],
                 limit: int = 3) -> list[tuple[str, ...]]:
    """Reasons for every block of a page: each rule is one vectorised comparison over the page's column."""
    rules = _compiled(tuple(names))
    n = X.shape[0]
    if n == 0 or not rules:
        return [() for _ in range(n)]
    fired = np.column_stack([_NP_OPS[op](X[:, i], value) for i, op, value, _, _ in rules])
    out: list[tuple[str, ...]] = []
    for r, label in enumerate(labels):
        agree: list[str] = []
        other: list[str] = []
        for k in np.flatnonzero(fired[r]):
            _, _, _, reason, side = rules[k]
            bucket = agree if side == label else other
            if reason not in bucket:
                bucket.append(reason)
        out.append(tuple((agree + other)[:limit]))
    return out


_NP_OPS: dict[str, Callable[[np.ndarray, float], np.ndarray]] = {
    ">=": np.greater_equal, "<=": np.less_equal, "==": np.equal,
}
_RULE_CACHE: dict[tuple[str, ...], list[tuple[int, str, float, str, str]]] = {}


def _compiled(names: tuple[str, ...]) -> list[tuple[int, str, float, str, str]]:
    rules = _RULE_CACHE.get(names)
    if rules is None:
        col = _index(names)
        rules = _RULE_CACHE[names] = [
            (col[f], op, value, reason, side) for f, op, value, reason, side in REASON_RULES if f in col
        ]
    return rules


_INDEX_CACHE: dict[tuple[str, ...], dict[str, int]] = {}


def _index(names: tuple[str, ...]) -> dict[str, int]:
    col = _INDEX_CACHE.get(names)
    if col is None:
        col = _INDEX_CACHE[names] = {n: i for i, n in enumerate(names)}
    return col
