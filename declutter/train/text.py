"""``python -m declutter.train text``: fit the text-line scorer on text-dev and write its model file.

Steps, all deterministic: pages of both variants (``fullpage``, ``extracted``) -> lines -> labels
(``labels_text``) and features (``features_text``) -> 5-fold cross-validation grouped by domain (held-out
predictions only) -> smoothing and thresholds tuned on the held-out predictions -> one LightGBM fit on all
pages -> ``declutter/data/models/text.json.gz``.

Options: ``--oracle`` prints the F1 the labels allow; ``--cv-only`` stops after cross-validation;
``--out PATH`` writes the model elsewhere. Held-out predictions are cached for ``benchmarks/textdev.py``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import sys
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from declutter import features_text
from declutter.segment_text import segment_text
from declutter.smooth import decide, smooth
from declutter.train.cv import domain_folds
from declutter.train.export import flatten_lightgbm, write_model
from declutter.train.labels_text import line_labels
from declutter.train.metrics import word_tokens

VARIANTS = ("fullpage", "extracted")
CACHE = Path("/tmp/declutter-cache")
MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "models" / "text.json.gz"
VERSION = "1.0.0"
K_FOLDS = 5

PARAMS: dict[str, Any] = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": 31,
    "max_depth": 8,
    "min_data_in_leaf": 40,
    "feature_fraction": 0.7,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "num_threads": 2,
    "deterministic": True,
    "force_row_wise": True,
    "max_bin": 63,
    "min_sum_hessian_in_leaf": 1e-3,
    "seed": 7,
    "verbosity": -1,
}
ROUNDS = 300
#: Total sample weight of one page.
PAGE_WEIGHT = 100.0

#: Smoothing candidates tried on held-out predictions (the shared smooth.py parameters).
SMOOTHING_GRID: tuple[dict[str, float], ...] = tuple(
    {"alpha": a, "window": w, "tail_anchor": ta, "tail_margin": tm}
    for a, w in ((0.0, 0), (0.2, 2), (0.35, 2), (0.5, 3))
    for ta, tm in ((1.1, 0.0), (0.8, 0.15), (0.9, 0.3))
)
#: Thresholds tried with each smoothing setting; the finer curve is drawn for the best setting only.
THRESHOLD_GRID = (0.2, 0.3, 0.4)
#: (page_gate, gate_threshold, empty_fallback) candidates: extracted-like pages get a lower threshold.
GATE_GRID: tuple[tuple[float | None, float, float | None], ...] = (
    (None, 0.0, None), (None, 0.0, 0.5), (0.7, 0.1, None), (0.8, 0.2, None),
)


@dataclass
class Page:
    """One page, ready for training and scoring."""

    variant: str
    id: str
    page_type: str
    domain: str
    lines: list[str]
    new_paragraph: list[bool]
    X: np.ndarray
    y: np.ndarray
    tok_ids: np.ndarray  # token ids of all lines, in order
    tok_line: np.ndarray  # line of each token
    ref_counts: dict[int, int]
    n_ref: int


def _source_hash() -> str:
    """Cache key: the code and data that labels and features depend on."""
    h = hashlib.sha1()
    pkg = resources.files("declutter")
    sources = ("features_text.py", "segment_text.py", "patterns.py", "stopwords.py", "train/labels_text.py")
    for name in sources:
        h.update((pkg / name).read_bytes())
    for sub in ("stopwords", "patterns"):
        for entry in sorted((pkg / "data" / sub).iterdir(), key=lambda e: e.name):
            h.update(entry.read_bytes())
    return h.hexdigest()[:12]


def _records(variant: str) -> list[dict[str, Any]]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from benchmarks._common import WCXB, text_dev

    meta = json.loads((WCXB / "metadata.json").read_text())["files"]
    recs = text_dev(variant)
    for r in recs:
        r["domain"] = meta.get(r["id"], {}).get("domain", r["id"])
    return recs


def _page(r: dict[str, Any], variant: str, vocab: dict[str, int]) -> Page:
    segs = segment_text(r["input_text"])
    lines = [s.text for s in segs]
    ids: list[int] = []
    owner: list[int] = []
    for i, s in enumerate(lines):
        for t in word_tokens(s):
            ids.append(vocab.setdefault(t, len(vocab)))
            owner.append(i)
    ref: dict[int, int] = {}
    ref_toks = word_tokens(r["reference_text"])
    for t in ref_toks:
        k = vocab.setdefault(t, len(vocab))
        ref[k] = ref.get(k, 0) + 1
    return Page(
        variant=variant, id=r["id"], page_type=r["page_type"], domain=r["domain"], lines=lines,
        new_paragraph=[s.new_paragraph for s in segs],
        X=features_text.text_features(segs).astype(np.float32),
        y=np.asarray(line_labels(lines, r["reference_text"]), dtype=np.int8),
        tok_ids=np.asarray(ids, dtype=np.int64), tok_line=np.asarray(owner, dtype=np.int64),
        ref_counts=ref, n_ref=len(ref_toks),
    )


def load_pages() -> list[Page]:
    """All pages of both variants, from the feature cache when the code is unchanged."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"text-pages-{_source_hash()}.pkl"
    if path.exists():
        with path.open("rb") as fh:
            return pickle.load(fh)
    vocab: dict[str, int] = {}
    pages = [_page(r, v, vocab) for v in VARIANTS for r in _records(v)]
    with path.open("wb") as fh:
        pickle.dump(pages, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return pages


def page_f1(page: Page, keep: np.ndarray) -> tuple[float, float, float]:
    """Word precision, recall, F1 of the kept lines (same rules as ``metrics.word_prf``)."""
    kept_tok = page.tok_ids[keep[page.tok_line]] if page.tok_ids.size else page.tok_ids
    n_out = int(kept_tok.size)
    if page.n_ref == 0:
        ok = 1.0 if n_out == 0 else 0.0
        return ok, ok, ok
    if n_out == 0:
        return 0.0, 0.0, 0.0
    ids, counts = np.unique(kept_tok, return_counts=True)
    overlap = sum(min(int(c), page.ref_counts.get(int(i), 0)) for i, c in zip(ids, counts, strict=True))
    p, r = overlap / n_out, overlap / page.n_ref
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def sample_weights(pages: list[Page]) -> np.ndarray:
    """Each page weighs the same (the metric is a page mean); within a page, lines by their words (so are
    the metric's errors)."""
    out = []
    for p in pages:
        w = 1.0 + np.bincount(p.tok_line, minlength=len(p.lines)).astype(np.float64)
        out.append(w * (PAGE_WEIGHT / max(w.sum(), 1e-9)))
    return np.concatenate(out) if out else np.zeros(0)


def fit(pages: list[Page]) -> Any:
    import lightgbm as lgb

    X = np.vstack([p.X for p in pages])
    y = np.concatenate([p.y for p in pages])
    ds = lgb.Dataset(X, y, weight=sample_weights(pages), feature_name=list(features_text.FEATURES),
                     free_raw_data=True)
    return lgb.train(PARAMS, ds, num_boost_round=ROUNDS)


def cross_validate(pages: list[Page]) -> list[np.ndarray]:
    """Held-out raw scores per page: each domain is scored by a model that never saw it."""
    folds = domain_folds([p.domain for p in pages], K_FOLDS)
    out: list[np.ndarray] = [np.zeros(0)] * len(pages)
    for k in range(K_FOLDS):
        t = time.time()
        booster = fit([p for p, f in zip(pages, folds, strict=True) if f != k])
        for i, (p, f) in enumerate(zip(pages, folds, strict=True)):
            if f == k:
                out[i] = booster.predict(p.X.astype(np.float64)) if len(p.lines) else np.zeros(0)
        print(f"fold {k}: {time.time() - t:.0f}s", file=sys.stderr)
    return out


def page_scores(pages: list[Page], raw: list[np.ndarray], params: dict[str, float],
                threshold: float) -> list[float]:
    """Word F1 per page for one smoothing setting and threshold."""
    out = []
    for p, s in zip(pages, raw, strict=True):
        keep = decide(smooth(s, params), threshold, params) if s.size else np.zeros(0, bool)
        out.append(page_f1(p, keep)[2])
    return out


def evaluate(pages: list[Page], raw: list[np.ndarray], params: dict[str, float],
             threshold: float) -> dict[str, float]:
    """Mean word F1 per variant for one smoothing setting and threshold."""
    f1 = page_scores(pages, raw, params, threshold)
    pairs = list(zip(pages, f1, strict=True))
    return {v: float(np.mean([f for p, f in pairs if p.variant == v])) for v in VARIANTS}


def by_type(pages: list[Page], f1: list[float], variant: str) -> dict[str, float]:
    groups: dict[str, list[float]] = {}
    for p, f in zip(pages, f1, strict=True):
        if p.variant == variant:
            groups.setdefault(p.page_type, []).append(f)
    return {t: float(np.mean(x)) for t, x in groups.items()}


def tune(pages: list[Page], raw: list[np.ndarray]) -> tuple[dict[str, float], dict[str, float], list[str]]:
    """Smoothing, page gate and the three thresholds that maximise mean F1 over both variants (held-out
    scores), with the gate chosen so that no page type of ``extracted`` falls below keep-all if possible."""
    log: list[str] = []
    best: tuple[float, dict[str, float], float] = (-1.0, {}, 0.5)
    for params in SMOOTHING_GRID:
        for thr in THRESHOLD_GRID:
            m = evaluate(pages, raw, params, thr)
            score = float(np.mean(list(m.values())))
            if score > best[0]:
                best = (score, params, thr)
    _, params, thr = best
    keep_all = by_type(pages, [page_f1(p, np.ones(len(p.lines), bool))[2] for p in pages], "extracted")
    candidates = []
    for gate, gate_thr, fallback in GATE_GRID:
        trial = dict(params)
        if gate is not None:
            trial.update(page_gate=gate, gate_threshold=gate_thr)
        if fallback is not None:
            trial["empty_fallback"] = fallback
        f1 = page_scores(pages, raw, trial, thr)
        m = evaluate(pages, raw, trial, thr)
        worst = min(by_type(pages, f1, "extracted")[t] - keep_all[t] for t in keep_all)
        candidates.append((worst >= -1e-9, float(np.mean(list(m.values()))), trial))
        log.append(f"gate {gate} {gate_thr} fallback {fallback}: {m}, worst extracted type vs keep-all "
                   f"{worst:+.4f}")
    params = max(candidates, key=lambda c: (c[0], c[1]))[2]
    curve = {}
    for t in np.round(np.arange(0.05, 0.81, 0.05), 2):
        m = evaluate(pages, raw, params, float(t))
        curve[float(t)] = m
        log.append(f"threshold {t:.2f}: " + ", ".join(f"{v} {x:.4f}" for v, x in m.items()))
    balanced = max(curve, key=lambda t: np.mean(list(curve[t].values())))
    thresholds = {
        "balanced": balanced,
        "precision": round(min(balanced + 0.2, 0.9), 2),
        "recall": round(max(balanced - 0.15, 0.05), 2),
    }
    return dict(params), thresholds, log


def oracle(pages: list[Page]) -> dict[str, float]:
    f1: dict[str, list[float]] = {v: [] for v in VARIANTS}
    for p in pages:
        f1[p.variant].append(page_f1(p, p.y.astype(bool))[2])
    return {v: float(np.mean(x)) for v, x in f1.items()}


def model_dict(booster: Any, smoothing: dict[str, float], thresholds: dict[str, float],
               meta: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": "declutter-trees/1",
        "name": "text",
        "version": VERSION,
        "features": list(features_text.FEATURES),
        "trees": flatten_lightgbm(booster.dump_model()),
        "thresholds": thresholds,
        "smoothing": smoothing,
        "meta": meta,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m declutter.train text", description=__doc__.split("\n")[0])
    ap.add_argument("--oracle", action="store_true", help="print the F1 the line labels allow, then stop")
    ap.add_argument("--cv-only", action="store_true", help="cross-validate and tune, write no model")
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    args = ap.parse_args(argv)
    pages = load_pages()
    print(f"{len(pages)} pages, {sum(len(p.lines) for p in pages)} lines", file=sys.stderr)
    if args.oracle:
        print(json.dumps({"oracle_f1": oracle(pages)}, indent=1))
        return 0
    raw = cross_validate(pages)
    smoothing, thresholds, log = tune(pages, raw)
    print("\n".join(log), file=sys.stderr)
    cv = evaluate(pages, raw, smoothing, thresholds["balanced"])
    print(json.dumps({"cv_f1": cv, "smoothing": smoothing, "thresholds": thresholds}, indent=1))
    with (CACHE / "text-cv-predictions.pkl").open("wb") as fh:
        pickle.dump({"ids": [(p.variant, p.id) for p in pages], "raw": raw, "smoothing": smoothing,
                     "thresholds": thresholds, "version": VERSION}, fh)
    if args.cv_only:
        return 0
    booster = fit(pages)
    meta = {
        "trained_on": "text-dev fullpage + extracted (1358 + 1358 pages)",
        "labels": "declutter.train.labels_text",
        "cv_f1_balanced": {k: round(v, 4) for k, v in cv.items()},
        "lightgbm_params": PARAMS,
        "rounds": ROUNDS,
    }
    write_model(args.out, model_dict(booster, smoothing, thresholds, meta))
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes)", file=sys.stderr)
    return 0
