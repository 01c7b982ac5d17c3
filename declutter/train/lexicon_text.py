"""Learning a lexicon (``declutter.lexicon``) from labels, cross-fitted by domain folds: the text scorer's
(tokens and short lines, from line labels) and the HTML scorer's (class words, from block labels).

A key's value is its content-vs-junk log-odds among labelled lines, relative to the base rate and shrunk
towards 0 by a prior of ``PRIOR`` pseudo-lines: ``log((c + PRIOR p) / (j + PRIOR (1 - p))) - logit(p)``, where
``c``/``j`` count the content/junk lines holding the key (at most ``PAGE_CAP`` per page and label, so a long
page does not outvote the others) and ``p`` is the share of content among all counted lines. To keep the
lexicon from memorising sites, a key needs ``MIN_DOMAINS`` domains and ``MIN_COUNT`` counted lines; keys with
``|value| < MIN_ABS`` are dropped (neutral anyway).

Counts are additive over folds, and folds never share a domain, so a lexicon built "without folds F" is a sum
of per-fold counts: ``FoldCounts`` holds them, and ``values(exclude)`` gives the lexicon of the other folds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from declutter.lexicon import FORMAT, LINE_MAX_TOKENS

MIN_DOMAINS = 3
MIN_COUNT = 5
PRIOR = 10.0
PAGE_CAP = 3
MIN_ABS = 0.05
#: Values are stored rounded (a smaller file); training uses the same rounded values.
DECIMALS = 2


def _add_page(content: np.ndarray, junk: np.ndarray, ids: np.ndarray, is_content: np.ndarray) -> None:
    """Add one page's (key, label) incidences, at most ``PAGE_CAP`` per key and label."""
    for target, mask in ((content, is_content), (junk, ~is_content)):
        keys, n = np.unique(ids[mask], return_counts=True)
        target[keys] += np.minimum(n, PAGE_CAP)


def token_incidences(tok: np.ndarray, tok_line: np.ndarray, y: np.ndarray, size: int) -> tuple[
        np.ndarray, np.ndarray]:
    """(token id, line is content) once per line that holds the token."""
    if tok.size == 0:
        return tok, np.zeros(0, bool)
    pairs = np.unique(tok_line * size + tok)
    return pairs % size, y[pairs // size] > 0


def line_incidences(keys: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(line key id, line is content) for every line that has a key (id ≥ 0)."""
    has = keys >= 0
    return keys[has], y[has] > 0


@dataclass
class FoldCounts:
    """Per fold: content and junk line counts and domains of every key of one vocabulary."""

    content: np.ndarray
    """(folds, keys)"""
    junk: np.ndarray
    domains: np.ndarray
    _cache: dict[frozenset[int], np.ndarray] = field(default_factory=dict, repr=False)

    @classmethod
    def count(cls, incidences: Sequence[tuple[np.ndarray, np.ndarray]], folds: Sequence[int],
              domains: Sequence[str], n_folds: int, size: int) -> FoldCounts:
        """``incidences[i]`` = (key ids, is content) of page ``i``, which sits in ``folds[i]``."""
        content = np.zeros((n_folds, size))
        junk = np.zeros((n_folds, size))
        seen = np.zeros((n_folds, size))
        by_domain: dict[str, list[int]] = {}
        for i, (ids, is_content) in enumerate(incidences):
            _add_page(content[folds[i]], junk[folds[i]], ids, is_content)
            by_domain.setdefault(domains[i], []).append(i)
        for pages in by_domain.values():
            ids = np.unique(np.concatenate([incidences[i][0] for i in pages]))
            seen[folds[pages[0]], ids] += 1
        return cls(content, junk, seen)

    def values(self, exclude: frozenset[int] = frozenset()) -> np.ndarray:
        """Value of every key in the lexicon of all folds but ``exclude`` (NaN: not in that lexicon)."""
        if exclude not in self._cache:
            use = [f for f in range(self.content.shape[0]) if f not in exclude]
            self._cache[exclude] = log_odds(self.content[use].sum(axis=0), self.junk[use].sum(axis=0),
                                            self.domains[use].sum(axis=0))
        return self._cache[exclude]


def log_odds(content: np.ndarray, junk: np.ndarray, domains: np.ndarray) -> np.ndarray:
    """Shrunk log-odds of content vs junk relative to the base rate; NaN for keys left out."""
    total = float(content.sum() + junk.sum())
    p = float(content.sum()) / total if total else 0.5
    p = min(max(p, 1e-6), 1 - 1e-6)
    value = np.log((content + PRIOR * p) / (junk + PRIOR * (1 - p))) - np.log(p / (1 - p))
    value = np.round(value, DECIMALS)
    keep = (domains >= MIN_DOMAINS) & (content + junk >= MIN_COUNT) & (np.abs(value) >= MIN_ABS)
    return np.where(keep, value, np.nan)


def as_dict(values: np.ndarray, vocab: Sequence[str]) -> dict[str, float]:
    """The kept entries, key -> value, for the lexicon file."""
    return {vocab[i]: float(values[i]) for i in np.flatnonzero(~np.isnan(values))}


def cross_fitted_rows(X: np.ndarray, width: int, fold: int, also: int | None,
                      columns: Callable[[frozenset[int]], np.ndarray]) -> np.ndarray:
    """A copy of a page's rows ``X`` whose last ``width`` (lexicon) columns come from ``columns(left_out)``:
    the lexicon without the page's own ``fold`` (and fold ``also``, the outer fold of a training page)."""
    X = X.copy()
    if len(X):
        X[:, -width:] = columns(frozenset({fold} if also is None else {fold, also}))
    return X


def lexicon_file(name: str, version: str,
                 tables: dict[str, tuple[FoldCounts, Sequence[str]]]) -> dict[str, Any]:
    """A shipped lexicon (``declutter.lexicon`` format): each table counted on every page, with the rules."""
    return {
        "format": FORMAT,
        "name": name,
        "version": version,
        **{table: as_dict(counts.values(), vocab) for table, (counts, vocab) in tables.items()},
        "meta": {
            "line_max_tokens": LINE_MAX_TOKENS, "min_domains": MIN_DOMAINS, "min_count": MIN_COUNT,
            "prior": PRIOR, "page_cap": PAGE_CAP, "min_abs": MIN_ABS,
        },
    }
