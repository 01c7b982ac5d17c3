"""Scores along the page: content is mostly contiguous, so a block's verdict leans on its neighbours.

Parameters come from the model file (``smoothing``), so they are tuned with the model, not set here:

* ``alpha``/``window``: mix each score with the mean score of ``window`` blocks on each side.
* ``tail_margin``: after the last block scoring at least ``tail_anchor``, a block needs ``threshold +
  tail_margin`` to stay content — a junk run at the end of the page stays junk.
"""

from __future__ import annotations

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


def decide(scores: np.ndarray, threshold: float, params: dict[str, float]) -> np.ndarray:
    """Boolean content mask from smoothed scores."""
    keep = scores >= threshold
    margin = params.get("tail_margin")
    if margin is not None:
        tail = tail_mask(scores, params)
        keep &= ~tail | (scores >= threshold + float(margin))
    return keep
