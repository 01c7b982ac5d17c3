"""The HTML scorer's lexicon keys per page, and its lexicon columns from any fold's values (training side).

Counting and cross-fitting are ``lexicon_text``'s (the same rule for both scorers). At inference
``features_html`` reads the shipped ``Lexicon`` by string; here a page's keys are vocabulary ids, so that the
lexicon of every fold but some can be applied to thousands of pages as numpy indexing. ``lexicon_columns``
gives the same columns as ``features_html`` (integer hundredths, the same means and ``path_summary``); a
test checks it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from declutter import features_html
from declutter.lexicon import SCALE, class_words
from declutter.segment_html import HtmlSegment


@dataclass(slots=True)
class PageKeys:
    """One page's class words as vocabulary ids."""

    blocks: int
    cls: np.ndarray
    """(block, path level, class word id) once per distinct word of each path label, shape (k, 3)."""


def page_keys(segments: list[HtmlSegment], vocab: dict[str, int]) -> PageKeys:
    """A page's class words (``features_html.path_labels``, ``lexicon.class_words``) as ids, adding new words
    to ``vocab``."""
    cls = [(b, level, vocab.setdefault(w, len(vocab)))
           for b, s in enumerate(segments) for level, label in enumerate(features_html.path_labels(s.path))
           for w in class_words(label)]
    return PageKeys(len(segments), np.asarray(cls, dtype=np.int64).reshape(-1, 3))


def lexicon_columns(keys: PageKeys, classes: np.ndarray) -> np.ndarray:
    """The page's ``features_html.LEXICON_FEATURES`` from the value of every vocabulary word (NaN: not in the
    lexicon)."""
    n = keys.blocks
    levels = np.full((n, features_html.PATH_LEVELS), np.nan)
    if len(keys.cls) and classes.size:
        value = np.round(classes[keys.cls[:, 2]] * SCALE)
        known = ~np.isnan(value)
        at = keys.cls[known, 0] * features_html.PATH_LEVELS + keys.cls[known, 1]
        total = np.bincount(at, weights=value[known], minlength=levels.size)
        count = np.bincount(at, minlength=levels.size)
        levels = np.where(count > 0, total / np.maximum(count, 1) / SCALE, np.nan).reshape(levels.shape)
    paths = np.array([features_html.path_summary(row) for row in levels.tolist()], dtype=np.float64)
    return features_html.lexicon_columns(paths.reshape(n, 5))
