"""Grouped K-fold: every page of a domain falls in the same fold, so no domain is both seen and scored."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence


def domain_folds(domains: Sequence[str], k: int = 5) -> list[int]:
    """Fold number per item; balanced greedily by group size, ties broken by a stable hash of the domain."""
    sizes: dict[str, int] = {}
    for d in domains:
        sizes[d] = sizes.get(d, 0) + 1
    order = sorted(sizes, key=lambda d: (-sizes[d], hashlib.sha1(d.encode()).hexdigest()))
    load = [0] * k
    fold_of: dict[str, int] = {}
    for d in order:
        f = min(range(k), key=lambda i: (load[i], i))
        fold_of[d] = f
        load[f] += sizes[d]
    return [fold_of[d] for d in domains]
