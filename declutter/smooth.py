"""Scores along the page: content is mostly contiguous, so a block's verdict leans on its neighbours.

Parameters come from the model file (``smoothing``), so they are tuned with the model, not set here:

* ``alpha``/``window``: mix each score with the mean score of ``window`` blocks on each side.
* ``tail_margin``: after the last block scoring at least ``tail_anchor``, a block needs ``threshold +
  tail_margin`` to stay content — a junk run at the end of the page stays junk.
* ``page_gate``/``gate_threshold`` (optional): a page whose mean score is at least ``page_gate`` is mostly
  content already (say, an extractor's output), so it is cut with the lower ``gate_threshold`` when that is
  below the caller's threshold: such pages lose more by a wrong cut than they gain by a right one.
* ``tail_run`` (optional): in the tail, the first run of ``tail_run`` consecutive junk blocks ends the
  content: the junk after an article is one contiguous stretch (link lists, then a profile, then more links),
  so a block past such a run that scrapes over the threshold is part of it, not more article.
* ``page_margin`` (optional): a page keeps nothing unless its best block reaches ``threshold + page_margin``:
  a page without one confident block is interface text only (a shop's header, a login wall).
* ``drop_repeats`` (optional, applied by the caller with the blocks' texts, see ``drop_repeats``): a block
  whose text is the same as an earlier content block's is junk — pages render the same text twice (a mobile
  and a desktop copy, a ``<noscript>`` copy, a card repeated in a carousel), and a reader reads it once.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def neighbour_mean(scores: np.ndarray, window: int) -> np.ndarray:
    """Mean of the ``window`` scores on each side of each block (the block itself excluded)."""
    n = scores.size
    if n == 0 or window <= 0:
        return scores.copy()
    padded = np.concatenate((np.zeros(window), scores, np.zeros(window)))
    ones = np.concatenate((np.zeros(window), np.ones(n), np.zeros(window)))
    kernel = np.ones(2 * window + 1)
    kernel[window] = 0.0
    total = np.convolve(padded, kernel, mode="valid")
    count = np.convolve(ones, kernel, mode="valid")
    return np.divide(total, count, out=scores.copy(), where=count > 0)


def smooth(scores: np.ndarray, params: dict[str, float]) -> np.ndarray:
    alpha = float(params.get("alpha", 0.0))
    window = int(params.get("window", 0))
    if scores.size == 0 or alpha <= 0.0 or window <= 0:
        return scores.copy()
    return (1.0 - alpha) * scores + alpha * neighbour_mean(scores, window)


def tail_mask(scores: np.ndarray, params: dict[str, float]) -> np.ndarray:
    """True for blocks after the last confidently-content block (the page's tail)."""
    anchor = params.get("tail_anchor")
    mask = np.zeros(scores.size, dtype=bool)
    if anchor is None or scores.size == 0:
        return mask
    strong = np.flatnonzero(scores >= float(anchor))
    if strong.size:
        mask[strong[-1] + 1:] = True
    return mask


def gated_threshold(scores: np.ndarray, threshold: float, params: dict[str, float]) -> float:
    """This page's threshold: ``gate_threshold`` on pages that are mostly content, else ``threshold``."""
    gate = params.get("page_gate")
    if gate is None or scores.size == 0 or float(scores.mean()) < float(gate):
        return threshold
    return min(threshold, float(params.get("gate_threshold", threshold)))


def _tail_run_end(keep: np.ndarray, tail: np.ndarray, run: int) -> int:
    """Index just past the first run of ``run`` dropped blocks inside the tail (``keep.size`` if none)."""
    if run <= 0 or not tail.any():
        return keep.size
    start = int(np.argmax(tail))
    dropped = ~keep[start:]
    # Length of the run of dropped blocks ending at each position.
    idx = np.arange(dropped.size)
    last_kept = np.maximum.accumulate(np.where(dropped, -1, idx))
    hits = np.flatnonzero(idx - last_kept >= run)
    return keep.size if hits.size == 0 else start + int(hits[0]) + 1


def decide(scores: np.ndarray, threshold: float, params: dict[str, float]) -> np.ndarray:
    """Boolean content mask from smoothed scores.

    Optional ``empty_fallback`` (0..1): when no block reaches the threshold, keep the blocks scoring at least
    that fraction of the page's best score rather than return nothing.
    """
    threshold = gated_threshold(scores, threshold, params)
    keep = scores >= threshold
    page_margin = params.get("page_margin")
    if page_margin is not None and scores.size and float(scores.max()) < threshold + float(page_margin):
        keep[:] = False
    margin = params.get("tail_margin")
    if margin is not None:
        tail = tail_mask(scores, params)
        keep &= ~tail | (scores >= threshold + float(margin))
        run = params.get("tail_run")
        if run is not None:
            keep[_tail_run_end(keep, tail, int(run)):] = False
    fallback = params.get("empty_fallback")
    if fallback is not None and scores.size and not keep.any():
        keep = scores >= float(fallback) * float(scores.max())
    return keep


def drop_repeats(keep: np.ndarray, texts: Sequence[str]) -> np.ndarray:
    """``keep`` without the blocks whose text equals that of an earlier kept block.

    ``keep`` is a mask over the blocks, or a (blocks, k) matrix of masks (the trainer's threshold sweep),
    each column handled on its own: within each group of equal texts, only the first kept block stays.
    """
    if keep.ndim == 1:
        return drop_repeats(keep[:, None], texts)[:, 0]
    ids: dict[str, int] = {}
    n = len(texts)
    group = np.fromiter(map(ids.setdefault, texts, range(n)), dtype=np.int64, count=n)
    if len(ids) == n:
        return keep.copy()
    order = np.argsort(group, kind="stable")  # blocks grouped by text, in page order within a group
    kept = keep[order]
    seen = np.cumsum(kept, axis=0, dtype=np.int64)  # kept blocks so far, counted over all groups
    g = group[order]
    starts = np.flatnonzero(np.concatenate(([True], g[1:] != g[:-1])))
    before = np.repeat(seen[starts] - kept[starts], np.diff(np.append(starts, n)), axis=0)
    out = np.empty_like(keep)
    out[order] = kept & (seen - before == 1)
    return out
