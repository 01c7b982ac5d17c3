"""Block labels for the HTML scorer: which blocks of a page the WCXB reference text came from.

The reference is plain text, so each block is aligned by word n-grams (lower-cased ``\\w+`` tokens, the
metric's own tokenisation):

* a block of 3+ tokens is content when at least ``MIN_COVER`` of its word trigrams occur in the reference;
* a block of 1-2 tokens (headings, short captions, field values) is content when its whole token sequence
  occurs in the reference *and* the nearest block of 3+ tokens before or after it (within ``SHORT_REACH``
  blocks) is content — a lone "Home" or "Share" that happens to be a reference word stays junk;
* a block without tokens is junk (it cannot change the score).

``oracle`` measures how good the labels are: the word F1 of keeping exactly the content blocks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from declutter.train.metrics import word_prf

_TOKEN = re.compile(r"\w+")
MIN_COVER = 0.5
SHORT_REACH = 3


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def _ngrams(toks: Sequence[str], k: int) -> list[tuple[str, ...]]:
    return [tuple(toks[i:i + k]) for i in range(len(toks) - k + 1)]


def block_labels(texts: Sequence[str], reference: str) -> np.ndarray:
    """1 for blocks aligned with the reference, 0 otherwise (see the module docstring for the rule)."""
    ref = _tokens(reference)
    n = len(texts)
    y = np.zeros(n, dtype=np.int8)
    if not ref or n == 0:
        return y
    grams = {k: set(_ngrams(ref, k)) for k in (1, 2, 3)}
    toks = [_tokens(t) for t in texts]
    long_label = np.full(n, -1, dtype=np.int8)  # -1: short block, else 0/1
    for i, t in enumerate(toks):
        if len(t) >= 3:
            tri = _ngrams(t, 3)
            cover = sum(1 for g in tri if g in grams[3]) / len(tri)
            long_label[i] = y[i] = 1 if cover >= MIN_COVER else 0
    for i, t in enumerate(toks):
        if not 1 <= len(t) <= 2 or tuple(t) not in grams[len(t)]:
            continue
        near = [long_label[j] for j in _nearest_long(long_label, i)]
        y[i] = 1 if any(v == 1 for v in near) else 0
    return y


def _nearest_long(long_label: np.ndarray, i: int) -> list[int]:
    """Indices of the nearest long block before and after ``i`` within ``SHORT_REACH`` blocks."""
    out: list[int] = []
    n = long_label.size
    for step in (-1, 1):
        j = i + step
        while 0 <= j < n and abs(j - i) <= SHORT_REACH:
            if long_label[j] >= 0:
                out.append(j)
                break
            j += step
    return out


def oracle(texts: Sequence[str], labels: np.ndarray, reference: str) -> float:
    """Word F1 of the page when exactly the content-labelled blocks are kept."""
    kept = "\n".join(t for t, y in zip(texts, labels, strict=True) if y)
    return word_prf(kept, reference).f1
