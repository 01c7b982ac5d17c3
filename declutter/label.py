"""Scores to labels, and the short human-readable reasons ``--explain`` shows.

Reasons are read off the feature row with the rules in ``REASON_RULES`` (data, not code paths): they name
evidence the model sees, ordered so that evidence agreeing with the label comes first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

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
    """Reasons for every block of a page.

    A row's reasons depend only on which rules fire for it and on its label, and a page has few distinct
    such pairs, so the rules are evaluated as a few vectorised comparisons, each row's fired rules are packed
    into a byte string, and the reasons are built once per (fired rules, label) and cached.
    """
    key = tuple(names)
    rules = _compiled(key)
    n = X.shape[0]
    if n == 0 or not rules.rules:
        return [() for _ in range(n)]
    cache = _REASONS_CACHE.setdefault((key, limit), {})
    if len(cache) > _REASONS_CACHE_SIZE:
        cache.clear()
    out: list[tuple[str, ...]] = []
    for fired_label in zip(_fired(X, rules), labels, strict=True):
        why = cache.get(fired_label)
        if why is None:
            why = cache[fired_label] = _reasons(rules.rules, *fired_label, limit)
        out.append(why)
    return out


def _fired(X: np.ndarray, rules: _Rules) -> list[bytes]:
    """Per row, the rules that fire, as a bit string (bit ``k`` = rule ``k``, little-endian)."""
    fired = np.empty((X.shape[0], len(rules.rules)), dtype=bool)
    # Values in the type a Python float takes against X, so that a float32 X compares as ``X[:, i] >= 0.3``.
    value_type = np.result_type(X.dtype, 0.0)
    for op, (at, cols, values) in rules.by_op.items():
        fired[:, at] = _NP_OPS[op](X[:, cols], values.astype(value_type, copy=False))
    packed = np.packbits(fired, axis=1, bitorder="little")
    return packed.view(np.dtype((np.void, packed.shape[1]))).ravel().tolist()


def _reasons(rules: list[_Rule], fired: bytes, label: str, limit: int) -> tuple[str, ...]:
    """Up to ``limit`` distinct reasons of the fired rules, those agreeing with ``label`` first."""
    bits = int.from_bytes(fired, "little")
    agree: list[str] = []
    other: list[str] = []
    for k, (_, _, _, reason, side) in enumerate(rules):
        if bits >> k & 1:
            bucket = agree if side == label else other
            if reason not in bucket:
                bucket.append(reason)
    return tuple((agree + other)[:limit])


_NP_OPS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    ">=": np.greater_equal, "<=": np.less_equal, "==": np.equal,
}
#: (column, op, value, reason, which label it argues for)
_Rule = tuple[int, str, float, str, str]


@dataclass(frozen=True)
class _Rules:
    """The rules that apply to one feature layout, and the same rules grouped by operator for numpy."""

    rules: list[_Rule]
    by_op: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]
    """op -> (positions of its rules in ``rules``, their feature columns, their values)."""


_RULE_CACHE: dict[tuple[str, ...], _Rules] = {}
#: (feature names, limit) -> {(fired rules, label): reasons}. Distinct keys are few (a few thousand over a
#: large crawl); the bound only keeps a pathological stream from growing it without end.
_REASONS_CACHE: dict[tuple[tuple[str, ...], int], dict[tuple[bytes, str], tuple[str, ...]]] = {}
_REASONS_CACHE_SIZE = 100_000


def _compiled(names: tuple[str, ...]) -> _Rules:
    compiled = _RULE_CACHE.get(names)
    if compiled is None:
        col = _index(names)
        rules = [(col[f], op, value, reason, side) for f, op, value, reason, side in REASON_RULES if f in col]
        compiled = _RULE_CACHE[names] = _Rules(rules, _group_by_op(rules))
    return compiled


def _group_by_op(rules: list[_Rule]) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    by_op = {}
    for op in dict.fromkeys(rule[1] for rule in rules):
        if op not in _NP_OPS:
            raise ValueError(f"unknown operator {op!r} in REASON_RULES")
        at = [k for k, rule in enumerate(rules) if rule[1] == op]
        cols = np.asarray([rules[k][0] for k in at], dtype=np.intp)
        values = np.asarray([rules[k][2] for k in at], dtype=np.float64)
        by_op[op] = (np.asarray(at, dtype=np.intp), cols, values)
    return by_op


_INDEX_CACHE: dict[tuple[str, ...], dict[str, int]] = {}


def _index(names: tuple[str, ...]) -> dict[str, int]:
    col = _INDEX_CACHE.get(names)
    if col is None:
        col = _INDEX_CACHE[names] = {n: i for i, n in enumerate(names)}
    return col
