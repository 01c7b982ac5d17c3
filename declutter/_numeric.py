"""Small array helpers shared by the feature modules."""

from __future__ import annotations

import numpy as np


def shift(x: np.ndarray, k: int) -> np.ndarray:
    """``x`` moved ``k`` places later (k > 0: each block sees the previous block's value), zero-filled."""
    out = np.zeros_like(x)
    if k > 0:
        out[k:] = x[:-k]
    elif k < 0:
        out[:k] = x[-k:]
    return out
