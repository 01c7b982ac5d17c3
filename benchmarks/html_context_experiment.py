"""Experiment (not adopted): does a second, "context" model over the first pass's scores raise CV F1?

The first model judges a block from its own features and a fixed neighbourhood of features. A second model
could read the first pass's *scores* aggregated along the page and over each block's containers (mean score of
the block's parent/grand-parent block, windows of ±2/±5 blocks, page means, rank, content before/after) next
to the block's own features — out-of-fold stacking: the second model of fold k is trained on the other folds'
out-of-fold first-pass scores and applied to fold k's out-of-fold scores. Same folds, parameters and tuning
as ``python -m declutter.train html``.

    python benchmarks/html_context_experiment.py      # ~10 min; prints both CV tables

Result and decision: docs/model-card-html.md ("Context model experiment").
"""

from __future__ import annotations

import sys

import numpy as np

from declutter._numeric import shift
from declutter.segment_html import ANCESTOR_LEVELS
from declutter.train import html as trainer
from declutter.train.html_data import load_pages, wcxb_dir

_CONTENT = 0.5
_WINDOWS = (2, 5)
CONTEXT = (
    "ctx_score", "ctx_prev", "ctx_next", *(f"ctx_win{w}" for w in _WINDOWS),
    *(f"ctx_c{k + 1}_{s}" for k in range(ANCESTOR_LEVELS) for s in ("mean", "wmean", "log_n", "content")),
    "ctx_page_mean", "ctx_page_wmean", "ctx_page_content", "ctx_rank", "ctx_content_before",
    "ctx_content_after", "ctx_dist_prev", "ctx_dist_next",
)


def _window_mean(x: np.ndarray, half: int) -> np.ndarray:
    n = x.size
    cs = np.concatenate(([0.0], np.cumsum(x)))
    idx = np.arange(n)
    lo, hi = np.maximum(idx - half, 0), np.minimum(idx + half + 1, n)
    return (cs[hi] - cs[lo]) / (hi - lo)


def _distance(flags: np.ndarray, forward: bool) -> np.ndarray:
    n = flags.size
    idx = np.arange(n)
    if forward:
        gap = np.minimum.accumulate(np.where(flags, idx, 2 * n + 1)[::-1])[::-1] - idx
    else:
        gap = idx - np.maximum.accumulate(np.where(flags, idx, -2 * n - 1))
    return np.log1p(np.minimum(gap, n))


def context_features(s: np.ndarray, chars: np.ndarray, groups: np.ndarray) -> np.ndarray:
    n = s.size
    if n == 0:
        return np.zeros((0, len(CONTEXT)))
    w = np.maximum(chars, 1.0)
    content = s >= _CONTENT
    cols: list[np.ndarray | float] = [s, shift(s, 1), shift(s, -1), *(_window_mean(s, h) for h in _WINDOWS)]
    for k in range(ANCESTOR_LEVELS):
        _, inv = np.unique(groups[:, k], return_inverse=True)
        size = np.bincount(inv).astype(np.float64)
        weight = np.bincount(inv, weights=w)
        cols += [(np.bincount(inv, weights=s) / size)[inv], (np.bincount(inv, weights=s * w) / weight)[inv],
                 np.log1p(size)[inv], (np.bincount(inv, weights=w * content) / weight)[inv]]
    total = float(w.sum())
    cum = np.cumsum(w * content)
    rank = np.argsort(np.argsort(s, kind="stable"), kind="stable") / max(n - 1, 1)
    cols += [float(s.mean()), float((s * w).sum() / total), float((w * content).sum() / total), rank,
             (cum - w * content) / total, (cum[-1] - cum) / total, _distance(content, False),
             _distance(content, True)]
    out = np.zeros((n, len(CONTEXT)))
    for i, c in enumerate(cols):
        out[:, i] = c
    return out


def _groups(pid: str) -> np.ndarray:
    """Ids of each block's nearest block ancestors (segmentation as in ``html_data.page_segments``)."""
    import gzip

    from declutter.train.html_data import page_segments

    segs, _, _ = page_segments(gzip.decompress((wcxb_dir() / "html" / f"{pid}.html.gz").read_bytes()))
    return np.asarray([s.ancestors for s in segs], dtype=np.int64).reshape(len(segs), ANCESTOR_LEVELS)


def main() -> int:
    pages, vocab = load_pages(verbose=False)
    cf = trainer.CrossFit.count(pages, vocab)
    raw, folds = trainer.cross_validate(pages, cf)
    first = trainer.cv_report(pages, raw, folds)
    stacked = []
    for p, r in zip(pages, raw, strict=True):
        chars = np.fromiter((len(t) for t in p.texts), dtype=np.float64, count=len(p.texts))
        ctx = context_features(r, chars, _groups(p.id)).astype(np.float32)
        stacked.append(trainer.with_columns(p, ctx))
    raw2, _ = trainer.cross_validate(stacked, cf, names=trainer.names_with(CONTEXT))
    second = trainer.cv_report(stacked, raw2, folds)
    types = ("all", "article", "documentation", "forum", "service", "product", "collection", "listing")
    print("| | " + " | ".join(types) + " |")
    print("|---" * (len(types) + 1) + "|")
    for label, rep in (("first pass only (shipped)", first), ("with context model", second)):
        s = trainer.summary(rep)
        print(f"| {label} | " + " | ".join(f"{s[t]:.3f}" for t in types) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
