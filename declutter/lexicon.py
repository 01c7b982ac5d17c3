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
"""

from __future__ import annotations

import gzip
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import repeat

import numpy as np

FORMAT = "declutter-lexicon/1"
#: Lines with at most this many tokens have a line entry: menu entries, buttons, headings of link lists.
LINE_MAX_TOKENS = 8
#: Value of a key that is not in the lexicon, before the feature code reads it as neutral (0, unknown).
MISSING = math.nan


@dataclass(frozen=True)
class Lexicon:
    """Token and short-line log-odds (content minus junk); missing keys are neutral."""

    tokens: dict[str, float]
    lines: dict[str, float]
    version: str = ""

    def token_values(self, words: list[str]) -> np.ndarray:
        """Value per token, ``MISSING`` for tokens not in the lexicon (one dict look-up each, in C)."""
        return np.fromiter(map(self.tokens.get, words, repeat(MISSING)), dtype=np.float64, count=len(words))

    def line_values(self, keys: list[str], short: list[bool]) -> np.ndarray:
        """Value per line key, ``MISSING`` for long lines and for keys not in the lexicon."""
        get = self.lines.get
        return np.array([get(k, MISSING) if s else MISSING for k, s in zip(keys, short, strict=True)],
                        dtype=np.float64)


EMPTY = Lexicon({}, {}, "")


def lexicon_from_dict(d: dict[str, object]) -> Lexicon:
    if d.get("format") != FORMAT:
        raise ValueError(f"unknown lexicon format {d.get('format')!r}")
    tokens = {str(k): float(v) for k, v in dict(d["tokens"]).items()}  # type: ignore[call-overload]
    lines = {str(k): float(v) for k, v in dict(d["lines"]).items()}  # type: ignore[call-overload]
    return Lexicon(tokens, lines, str(d.get("version", "")))


@lru_cache(maxsize=4)
def load_lexicon(name: str = "text") -> Lexicon:
    """Load ``declutter/data/lexicon/<name>.json.gz`` once per process."""
    raw = (resources.files("declutter") / "data" / "lexicon" / f"{name}.json.gz").read_bytes()
    return lexicon_from_dict(json.loads(gzip.decompress(raw)))
