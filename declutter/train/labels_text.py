"""Line labels for the text scorer: align the page's words with the reference, then vote per line.

Rule: the page's ``\\w+`` tokens (lower-cased, as the metric counts them) are aligned in order with the
reference's tokens (``difflib`` matching blocks, no auto-junk). A line is **content** when at least
``MIN_MATCHED`` of its tokens fall inside a matching block of at least ``MIN_RUN`` tokens (or the whole line
is matched, for lines shorter than that); otherwise it is **junk**. Order matters, so a menu word that also
occurs in the article ("Health") is not matched unless it sits in the aligned run, and a repeated title after
the article is junk when the reference has it once, at the top, or not at all.

The oracle (keep exactly the content lines) scores word F1 0.977 on ``fullpage`` and 0.798 on ``extracted``
(token-level reachable ceiling 0.988 / 0.826; ``python -m declutter.train text --oracle`` prints it). The
rule is not sensitive to its two constants (run 1..6, share 0.3..0.7: within ±0.002 on fullpage, ±0.004 on
extracted). What no line rule reaches is chance overlap: on ``extracted`` an extractor that kept the wrong
part of a page still shares common words with the reference, which the token-level ceiling counts.
"""

from __future__ import annotations

import difflib

from declutter.train.metrics import word_tokens

MIN_MATCHED = 0.5
MIN_RUN = 4


def line_labels(lines: list[str], reference: str) -> list[int]:
    """1 (content) or 0 (junk) per line of ``lines``."""
    ref = word_tokens(reference)
    line_toks = [word_tokens(s) for s in lines]
    if not ref:
        return [0] * len(lines)
    page: list[str] = []
    owner: list[int] = []
    for i, toks in enumerate(line_toks):
        page.extend(toks)
        owner.extend([i] * len(toks))
    matched = [0] * len(lines)
    sm = difflib.SequenceMatcher(None, page, ref, autojunk=False)
    for a, _b, size in sm.get_matching_blocks():
        if size == 0:
            continue
        for k in range(a, a + size):
            i = owner[k]
            if size >= MIN_RUN or size >= len(line_toks[i]):
                matched[i] += 1
    return [1 if toks and matched[i] >= MIN_MATCHED * len(toks) else 0 for i, toks in enumerate(line_toks)]
