"""The learned lexicon of the text scorer: junk-vs-content log-odds of tokens and of short lines, as data.

``python -m declutter.train text`` learns it from the line labels of text-dev (cross-fitted there, see
``declutter/train/lexicon_text.py``) and writes ``data/lexicon/text.json.gz`` next to the model it was
trained with (same ``version``). A value above 0 means "seen more in content lines than the base rate", below
0 "more in junk lines"; values are shrunk towards 0 by a prior, entries seen on fewer than a few sites are
left out, and so are near-neutral ones: a token or line that is not in the file is neutral.

Keys are language-independent: a token is a lower-cased run of word characters (``\\w+``), except that a CJK
character is a token on its own (those scripts have no spaces, and a character needs no segmenter or
dictionary); a line key is ``patterns.normalise_line`` of a line of at most ``LINE_MAX_TOKENS`` tokens.
Looking a page up costs one dict look-up per token and one per short line.

The HTML scorer's lexicon (``data/lexicon/html.json.gz``) has one table of its own, ``classes``: the words
of the class and id names on a block's path (``class_words``: "entry-content" -> "entry", "content";
camelCase split too), so that "sharedaddy", "commentform" or "post-body" carry what sites taught them
rather than what a hand-made list says. (Token and short-text tables for HTML blocks were tried and added
nothing there; see the HTML model card.)
"""

from __future__ import annotations

import gzip
import json
import math
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from itertools import repeat

import numpy as np

from declutter._compiled import compiled

FORMAT = "declutter-lexicon/1"
#: Lines with at most this many tokens have a line entry: menu entries, buttons, headings of link lists.
LINE_MAX_TOKENS = 8
#: Value of a key that is not in the lexicon, before the feature code reads it as neutral (0, unknown).
MISSING = math.nan
#: Values are stored with this many decimals, so ``value * SCALE`` is an exact integer (``centi``).
SCALE = 100
#: Path labels (and whole block paths, which cost more memory each) memoised per lexicon before each memo
#: starts again: bounds a long batch run's memory.
MEMO_MAX = 50_000
PATH_MEMO_MAX = 10_000
_NAME_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_C = compiled("_features")


@dataclass(frozen=True)
class Lexicon:
    """Token and short-line log-odds (content minus junk); missing keys are neutral."""

    tokens: dict[str, float]
    lines: dict[str, float]
    version: str = ""
    classes: dict[str, float] = field(default_factory=dict)

    @cached_property
    def centi_classes(self) -> dict[str, int]:
        """Class-word values as integer hundredths (exact sums)."""
        return {k: round(v * SCALE) for k, v in self.classes.items()}

    @cached_property
    def label_values(self) -> dict[str, float]:
        """Memo of ``label_value`` per path label (labels repeat on a page and across a site's pages)."""
        return {}

    @cached_property
    def path_values(self) -> dict[str, tuple[float, ...]]:
        """Memo for the feature code: a block path's class-word columns (paths repeat even more)."""
        return {}

    def label_value(self, label: str) -> float:
        """Mean value of the known class words of one path label (``tag.class`` / ``tag#id``), NaN if none."""
        memo = self.label_values
        got = memo.get(label)
        if got is None:
            centi = self.centi_classes
            if _C is None:
                values = [centi[w] for w in class_words(label) if w in centi]
                total, count = sum(values), len(values)
            else:  # the same words without a regex (most labels of a page are new to the memo)
                total, count = _C.label_centi(label, centi)
            got = total / count / SCALE if count else MISSING
            if len(memo) > MEMO_MAX:  # a long batch run over many sites
                memo.clear()
            memo[label] = got
        return got

    def token_values(self, words: list[str]) -> np.ndarray:
        """Value per token, ``MISSING`` for tokens not in the lexicon (one dict look-up each, in C)."""
        return np.fromiter(map(self.tokens.get, words, repeat(MISSING)), dtype=np.float64, count=len(words))

    def line_values(self, keys: list[str], short: list[bool]) -> np.ndarray:
        """Value per line key, ``MISSING`` for long lines and for keys not in the lexicon."""
        get = self.lines.get
        return np.array([get(k, MISSING) if s else MISSING for k, s in zip(keys, short, strict=True)],
                        dtype=np.float64)


EMPTY = Lexicon({}, {}, "")


def class_words(label: str) -> tuple[str, ...]:
    """The distinct lower-cased words (2+ letters) of a path label's class or id name, in order: runs of
    letters, split at camelCase (separators and digits are not letters, so they split too). Not cached:
    ``Lexicon.label_value`` memoises what it is needed for."""
    dot, hash_ = label.find("."), label.find("#")
    at = dot if hash_ < 0 or 0 <= dot < hash_ else hash_
    if at < 0:
        return ()
    words = [w.lower() for w in _NAME_WORD.findall(label, at + 1) if len(w) > 1]
    return tuple(dict.fromkeys(words)) if len(words) > 1 else tuple(words)


def lexicon_from_dict(d: dict[str, object]) -> Lexicon:
    if d.get("format") != FORMAT:
        raise ValueError(f"unknown lexicon format {d.get('format')!r}")
    tokens = {str(k): float(v) for k, v in dict(d.get("tokens", {})).items()}  # type: ignore[call-overload]
    lines = {str(k): float(v) for k, v in dict(d.get("lines", {})).items()}  # type: ignore[call-overload]
    classes = {str(k): float(v) for k, v in dict(d.get("classes", {})).items()}  # type: ignore[call-overload]
    return Lexicon(tokens, lines, str(d.get("version", "")), classes)


def load_lexicon(name: str = "text") -> Lexicon:
    """Load ``declutter/data/lexicon/<name>.json.gz`` once per process (``text`` or ``html``)."""
    return _load(name)


@lru_cache(maxsize=4)
def _load(name: str) -> Lexicon:
    raw = (resources.files("declutter") / "data" / "lexicon" / f"{name}.json.gz").read_bytes()
    return lexicon_from_dict(json.loads(gzip.decompress(raw)))
