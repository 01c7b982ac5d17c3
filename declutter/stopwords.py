"""Stopword lists as data (``data/stopwords/<language>.txt``, 300 most frequent words each).

The lists come from jusText (BSD licence, see ``LICENSE-jusText.txt``) plus short Chinese and Japanese
particle lists. Features use the share of stopwords of the page's own best language, so no language is
privileged; CJK text, which has no spaces, is counted per character.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from importlib import resources
from itertools import repeat

import numpy as np

_WORD = re.compile(r"\w+", re.U)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


@lru_cache(maxsize=1)
def stoplists() -> dict[str, frozenset[str]]:
    folder = resources.files("declutter") / "data" / "stopwords"
    out: dict[str, frozenset[str]] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".txt") and not entry.name.startswith("LICENSE"):
            words = entry.read_text(encoding="utf-8").split()
            out[entry.name[:-4]] = frozenset(w.lower() for w in words)
    return out


@lru_cache(maxsize=1)
def word_languages() -> dict[str, int]:
    """Word -> bitmask of the languages whose stoplist has it."""
    table: dict[str, int] = {}
    for i, words in enumerate(stoplists().values()):
        for w in words:
            table[w] = table.get(w, 0) | (1 << i)
    return table


def language_bits(words: list[str]) -> np.ndarray:
    """Per token, the bitmask of the languages whose stoplist has it (0: a content word in every language)."""
    return np.fromiter(map(word_languages().get, words, repeat(0)), dtype=np.int64, count=len(words))


def stop_shares(words: list[str], line: np.ndarray, count: np.ndarray,
                bits: np.ndarray | None = None) -> tuple[np.ndarray, bool]:
    """Per block, the share of its tokens in the stoplist of the page's best-covered language, and whether
    any language was found.

    ``words`` are the page's lower-cased tokens in order, ``line`` the block of each token and ``count`` the
    tokens per block; ``bits`` their ``language_bits`` when the caller has them already. Tokens per language
    are counted over the distinct bitmasks (a page has few).
    """
    n = count.size
    if not words:
        return np.zeros(n), False
    if bits is None:
        bits = language_bits(words)
    masks, per_mask = np.unique(bits[bits != 0], return_counts=True)
    per_lang = (((masks[:, None] >> np.arange(len(stoplists()))) & 1) * per_mask[:, None]).sum(axis=0)
    best = int(per_lang.argmax())
    if per_lang[best] == 0:
        return np.zeros(n), False
    hits = np.bincount(line, weights=(bits >> best) & 1, minlength=n)
    return np.divide(hits, count, out=np.zeros(n), where=count > 0), True


def language_names() -> list[str]:
    return list(stoplists())


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens; CJK runs are split into characters, as they carry no spaces."""
    toks = _WORD.findall(text.lower())
    if _CJK.search(text):
        out: list[str] = []
        for t in toks:
            if _CJK.search(t):
                out.extend(t)
            else:
                out.append(t)
        return out
    return toks


def page_language(token_lists: list[list[str]]) -> int:
    """Index of the language whose stopwords cover most tokens of the page (-1: none)."""
    table = word_languages()
    n = len(stoplists())
    counts = [0] * n
    masks = Counter(table.get(t, 0) for toks in token_lists for t in toks)
    for bits, c in masks.items():
        if bits:
            for i in range(n):
                if bits >> i & 1:
                    counts[i] += c
    best = max(range(n), key=counts.__getitem__) if n else -1
    return best if n and counts[best] > 0 else -1


def stopword_share(toks: list[str], language: int) -> float:
    if not toks or language < 0:
        return 0.0
    table = word_languages()
    bit = 1 << language
    hits = sum(1 for t in toks if table.get(t, 0) & bit)
    return hits / len(toks)
