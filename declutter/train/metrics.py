"""WCXB's word-level scores: bag of lower-cased ``\\w+`` tokens, multiset overlap, per page."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+")


def word_tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


@dataclass(frozen=True, slots=True)
class PRF:
    precision: float
    recall: float
    f1: float


def word_prf(output: str, reference: str) -> PRF:
    """Precision, recall, F1 of ``output`` against ``reference`` (WCXB rules, empty reference included)."""
    out = Counter(word_tokens(output))
    ref = Counter(word_tokens(reference))
    n_out = sum(out.values())
    n_ref = sum(ref.values())
    if n_ref == 0:
        ok = 1.0 if n_out == 0 else 0.0
        return PRF(ok, ok, ok)
    if n_out == 0:
        return PRF(0.0, 0.0, 0.0)
    overlap = sum((out & ref).values())
    p = overlap / n_out
    r = overlap / n_ref
    f = 2 * p * r / (p + r) if p + r else 0.0
    return PRF(p, r, f)


def mean(values: Iterable[float]) -> float:
    vals = list(values)
    return sum(vals) / len(vals) if vals else 0.0
