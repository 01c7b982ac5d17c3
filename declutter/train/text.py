"""``python -m declutter.train text``: fit the text-line scorer on text-dev and write its model file.

Steps, all deterministic: pages of both variants (``fullpage``, ``extracted``) -> lines -> labels
(``labels_text``) and features (``features_text``) -> 5-fold cross-validation grouped by domain (held-out
predictions only) -> smoothing and thresholds tuned on the held-out predictions (for the reported numbers,
per fold on the other folds' predictions only) -> one LightGBM fit on all pages ->
``declutter/data/models/text.json.gz`` and its lexicon ``declutter/data/lexicon/text.json.gz``.

The lexicon features are learned from the labels, so they are cross-fitted (``lexicon_text``): a page's
lexicon columns never come from counts of its own fold. For outer fold k, held-out pages use the lexicon of
the other four folds; a training page of fold j uses the lexicon of the three folds other than j and k, so
the classifier learns on values as honest as those it is scored on. The shipped classifier is trained on
pages whose lexicon excludes their own fold, and the shipped lexicon is counted on all pages.

Options: ``--oracle`` prints the F1 the labels allow; ``--cv-only`` stops after cross-validation;
``--out PATH`` writes the model elsewhere (its lexicon beside it); ``--predictions PATH`` where the held-out
predictions go (default: the cache ``benchmarks/textdev.py`` reads).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
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
from declutter.lexicon import EMPTY as EMPTY_LEXICON
from declutter.segment_text import segment_text
from declutter.smooth import decide, smooth
from declutter.train import lexicon_text
from declutter.train.cv import domain_folds
from declutter.train.export import flatten_lightgbm, write_model
from declutter.train.labels_text import line_labels
from declutter.train.metrics import word_tokens

VARIANTS = ("fullpage", "extracted")
CACHE = Path("/tmp/declutter-cache")
MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "models" / "text.json.gz"
LEXICON_NAME = "text.json.gz"
VERSION = "1.1.0"
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
#: (page_gate, gate_threshold, empty_fallback, page_margin) candidates: extracted-like pages get a lower
#: threshold; a page whose best line does not clear the threshold by ``page_margin`` keeps nothing.
GATE_GRID: tuple[tuple[float | None, float, float | None, float | None], ...] = (
    (None, 0.0, None, None), (None, 0.0, 0.5, None), (0.7, 0.1, None, None), (0.8, 0.2, None, None),
    (0.6, 0.2, None, None), (None, 0.0, None, 0.05), (None, 0.0, None, 0.1), (0.8, 0.2, None, 0.05),
    (0.6, 0.2, None, 0.05), (0.6, 0.2, None, 0.1),
)
#: ``tail_run`` candidates (``smooth.decide``): a run of this many junk lines after the last confident content
#: line ends the content.
TAIL_RUNS: tuple[int | None, ...] = (None, 3, 6, 12)


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
    lex_tok: np.ndarray  # lexicon token ids (``Vocab.tokens``) of all lines, in order
    lex_tok_line: np.ndarray  # line of each lexicon token
    lex_key: np.ndarray  # per line: its line key id (``Vocab.keys``), -1 for lines without one


@dataclass
class Vocab:
    """Lexicon keys seen in the pages (ids in ``Page.lex_tok`` / ``Page.lex_key``)."""

    tokens: dict[str, int]
    keys: dict[str, int]

    def ids(self, table: dict[str, int], keys: list[str]) -> np.ndarray:
        return np.asarray([table.setdefault(k, len(table)) for k in keys], dtype=np.int64)


def _source_hash() -> str:
    """Cache key: the code and data that labels and features depend on."""
    h = hashlib.sha1()
    pkg = resources.files("declutter")
    sources = ("features_text.py", "segment_text.py", "patterns.py", "stopwords.py", "lexicon.py",
               "train/labels_text.py")
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


def _page(r: dict[str, Any], variant: str, vocab: dict[str, int], lex_vocab: Vocab) -> Page:
    segs = segment_text(r["input_text"])
    words, word_line, keys = features_text.lexicon_keys(segs)
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
        # Lexicon columns stay 0 here: they are filled per cross-fitting fold (``CrossFit.rows``).
        X=features_text.text_features(segs, EMPTY_LEXICON).astype(np.float32),
        y=np.asarray(line_labels(lines, r["reference_text"]), dtype=np.int8),
        tok_ids=np.asarray(ids, dtype=np.int64), tok_line=np.asarray(owner, dtype=np.int64),
        ref_counts=ref, n_ref=len(ref_toks),
        lex_tok=lex_vocab.ids(lex_vocab.tokens, words), lex_tok_line=np.asarray(word_line, dtype=np.int64),
        lex_key=np.asarray([-1 if k is None else lex_vocab.keys.setdefault(k, len(lex_vocab.keys))
                            for k in keys], dtype=np.int64),
    )


def load_pages() -> tuple[list[Page], Vocab]:
    """All pages of both variants and their lexicon keys (from the cache when the code is unchanged)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"text-pages-{_source_hash()}.pkl"
    if path.exists():
        with path.open("rb") as fh:
            return pickle.load(fh)
    vocab: dict[str, int] = {}
    lex_vocab = Vocab({}, {})
    pages = [_page(r, v, vocab, lex_vocab) for v in VARIANTS for r in _records(v)]
    with path.open("wb") as fh:
        pickle.dump((pages, lex_vocab), fh, protocol=pickle.HIGHEST_PROTOCOL)
    return pages, lex_vocab


@dataclass
class CrossFit:
    """Per-fold lexicon counts of the pages; a page's lexicon columns for any set of left-out folds."""

    folds: list[int]
    tokens: lexicon_text.FoldCounts
    keys: lexicon_text.FoldCounts

    @classmethod
    def count(cls, pages: list[Page], vocab: Vocab) -> CrossFit:
        folds = domain_folds([p.domain for p in pages], K_FOLDS)
        domains = [p.domain for p in pages]
        size = len(vocab.tokens)
        toks = [lexicon_text.token_incidences(p.lex_tok, p.lex_tok_line, p.y, size) for p in pages]
        keys = [lexicon_text.line_incidences(p.lex_key, p.y) for p in pages]
        return cls(folds, lexicon_text.FoldCounts.count(toks, folds, domains, K_FOLDS, size),
                   lexicon_text.FoldCounts.count(keys, folds, domains, K_FOLDS, len(vocab.keys)))

    def columns(self, page: Page, exclude: frozenset[int]) -> np.ndarray:
        """The page's ``LEXICON_FEATURES`` with the lexicon of every fold but ``exclude``."""
        tok_values = self.tokens.values(exclude)[page.lex_tok]
        key_values = np.where(page.lex_key >= 0, self.keys.values(exclude)[page.lex_key], np.nan)
        count = np.bincount(page.lex_tok_line, minlength=len(page.lines))
        return features_text.lexicon_columns(tok_values, page.lex_tok_line, count, key_values)

    def rows(self, pages: list[Page], i: int, also: int | None = None) -> np.ndarray:
        """Feature rows of page ``i``, its lexicon columns built without its own fold (and fold ``also``)."""
        return lexicon_text.cross_fitted_rows(pages[i].X, len(features_text.LEXICON_FEATURES), self.folds[i],
                                              also, lambda left_out: self.columns(pages[i], left_out))


def _word_index(page: Page) -> tuple[np.ndarray, np.ndarray]:
    """The page's tokens as local ids 0..u-1 and the reference count of each (cached on the page): a keep
    mask's overlap with the reference is then two numpy calls, which makes tuning on 2,716 pages cheap."""
    cached = page.__dict__.get("_word_index")
    if cached is None:
        vocab, local = np.unique(page.tok_ids, return_inverse=True)
        ref = np.fromiter((page.ref_counts.get(int(t), 0) for t in vocab), dtype=np.int64, count=vocab.size)
        cached = page.__dict__["_word_index"] = (local.reshape(-1), ref)
    return cached


def page_f1(page: Page, keep: np.ndarray) -> tuple[float, float, float]:
    """Word precision, recall, F1 of the kept lines (same rules as ``metrics.word_prf``)."""
    local, ref = _word_index(page)
    kept = local[keep[page.tok_line]] if local.size else local
    n_out = int(kept.size)
    if page.n_ref == 0:
        ok = 1.0 if n_out == 0 else 0.0
        return ok, ok, ok
    if n_out == 0:
        return 0.0, 0.0, 0.0
    overlap = int(np.minimum(np.bincount(kept, minlength=ref.size), ref).sum())
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


def fit(pages: list[Page], X: np.ndarray) -> Any:
    """One LightGBM fit on ``pages``, whose stacked feature rows are ``X``."""
    import lightgbm as lgb

    y = np.concatenate([p.y for p in pages])
    ds = lgb.Dataset(X, y, weight=sample_weights(pages), feature_name=list(features_text.FEATURES),
                     free_raw_data=True)
    return lgb.train(PARAMS, ds, num_boost_round=ROUNDS)


def cross_validate(pages: list[Page], cf: CrossFit) -> list[np.ndarray]:
    """Held-out raw scores per page: each domain is scored by a model that never saw it, with lexicon
    columns from a lexicon that never saw it either (inner folds for the training pages)."""
    out: list[np.ndarray] = [np.zeros(0)] * len(pages)
    for k in range(K_FOLDS):
        t = time.time()
        train = [i for i, f in enumerate(cf.folds) if f != k]
        X = np.vstack([cf.rows(pages, i, also=k) for i in train])
        booster = fit([pages[i] for i in train], X)
        del X
        for i, f in enumerate(cf.folds):
            if f == k and len(pages[i].lines):
                out[i] = booster.predict(cf.rows(pages, i).astype(np.float64))
        print(f"fold {k}: {time.time() - t:.0f}s", file=sys.stderr)
    return out


def _cut_f1(page: Page, raw: np.ndarray, params: dict[str, float], threshold: float) -> float:
    """Word F1 of the lines ``declutter.clean`` keeps from these raw scores."""
    keep = decide(smooth(raw, params), threshold, params) if raw.size else np.zeros(0, bool)
    return page_f1(page, keep)[2]


def page_scores(pages: list[Page], raw: list[np.ndarray], params: dict[str, float],
                threshold: float) -> list[float]:
    """Word F1 per page for one smoothing setting and threshold."""
    return [_cut_f1(p, s, params, threshold) for p, s in zip(pages, raw, strict=True)]


def _variant_means(pages: list[Page], f1: list[float]) -> dict[str, float]:
    pairs = list(zip(pages, f1, strict=True))
    return {v: float(np.mean([f for p, f in pairs if p.variant == v])) for v in VARIANTS}


def evaluate(pages: list[Page], raw: list[np.ndarray], params: dict[str, float],
             threshold: float) -> dict[str, float]:
    """Mean word F1 per variant for one smoothing setting and threshold."""
    return _variant_means(pages, page_scores(pages, raw, params, threshold))


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
    for (gate, gate_thr, fallback, margin), run in itertools.product(GATE_GRID, TAIL_RUNS):
        trial = dict(params)
        if run is not None:
            if "tail_margin" not in trial:
                continue
            trial["tail_run"] = run
        if gate is not None:
            trial.update(page_gate=gate, gate_threshold=gate_thr)
        if fallback is not None:
            trial["empty_fallback"] = fallback
        if margin is not None:
            trial["page_margin"] = margin
        f1 = page_scores(pages, raw, trial, thr)
        m = _variant_means(pages, f1)
        worst = min(by_type(pages, f1, "extracted")[t] - keep_all[t] for t in keep_all)
        candidates.append((worst >= -1e-9, float(np.mean(list(m.values()))), trial))
        log.append(f"gate {gate} {gate_thr} fallback {fallback} margin {margin} tail run {run}: {m}, "
                   f"worst extracted type vs keep-all {worst:+.4f}")
    params = max(candidates, key=lambda c: c[:2])[2]
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


def tune_per_fold(pages: list[Page], raw: list[np.ndarray], folds: list[int]) -> list[dict[str, Any]]:
    """Smoothing and thresholds for each fold, tuned on the other folds' held-out scores only: the numbers
    reported for a page then come from no choice that saw its labels (the shipped file's are tuned on all)."""
    out = []
    for k in range(K_FOLDS):
        idx = [i for i, f in enumerate(folds) if f != k]
        smoothing, thresholds, _ = tune([pages[i] for i in idx], [raw[i] for i in idx])
        out.append({"smoothing": smoothing, "thresholds": thresholds})
    return out


def nested_evaluate(pages: list[Page], raw: list[np.ndarray], folds: list[int],
                    per_fold: list[dict[str, Any]], favor: str = "balanced") -> dict[str, float]:
    """Mean word F1 per variant, each page cut with its own fold's tuning (``tune_per_fold``)."""
    return _variant_means(pages, [
        _cut_f1(p, s, per_fold[f]["smoothing"], per_fold[f]["thresholds"][favor])
        for p, s, f in zip(pages, raw, folds, strict=True)
    ])


def oracle(pages: list[Page]) -> dict[str, float]:
    f1: dict[str, list[float]] = {v: [] for v in VARIANTS}
    for p in pages:
        f1[p.variant].append(page_f1(p, p.y.astype(bool))[2])
    return {v: float(np.mean(x)) for v, x in f1.items()}


def lexicon_dict(cf: CrossFit, vocab: Vocab) -> dict[str, Any]:
    """The shipped lexicon: counted on every page (the classifier saw only cross-fitted values)."""
    return lexicon_text.lexicon_file("text", VERSION, {"tokens": (cf.tokens, list(vocab.tokens)),
                                                        "lines": (cf.keys, list(vocab.keys))})


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
    ap.add_argument("--predictions", type=Path, default=CACHE / "text-cv-predictions.pkl")
    args = ap.parse_args(argv)
    pages, vocab = load_pages()
    print(f"{len(pages)} pages, {sum(len(p.lines) for p in pages)} lines", file=sys.stderr)
    if args.oracle:
        print(json.dumps({"oracle_f1": oracle(pages)}, indent=1))
        return 0
    cf = CrossFit.count(pages, vocab)
    raw = cross_validate(pages, cf)
    smoothing, thresholds, log = tune(pages, raw)
    print("\n".join(log), file=sys.stderr)
    per_fold = tune_per_fold(pages, raw, cf.folds)
    cv = nested_evaluate(pages, raw, cf.folds, per_fold)
    on_all = evaluate(pages, raw, smoothing, thresholds["balanced"])
    print(json.dumps({"cv_f1": cv, "cv_f1_tuned_on_all": on_all, "smoothing": smoothing,
                      "thresholds": thresholds, "per_fold": per_fold}, indent=1))
    with args.predictions.open("wb") as fh:
        pickle.dump({"ids": [(p.variant, p.id) for p in pages], "raw": raw, "folds": cf.folds,
                     "per_fold": per_fold, "smoothing": smoothing, "thresholds": thresholds,
                     "version": VERSION}, fh)
    if args.cv_only:
        return 0
    booster = fit(pages, np.vstack([cf.rows(pages, i) for i in range(len(pages))]))
    lexicon = lexicon_dict(cf, vocab)
    lexicon_path = args.out.parent.parent / "lexicon" / LEXICON_NAME
    lexicon_path.parent.mkdir(parents=True, exist_ok=True)
    write_model(lexicon_path, lexicon)
    meta = {
        "trained_on": "text-dev fullpage + extracted (1358 + 1358 pages)",
        "labels": "declutter.train.labels_text",
        "cv_f1_balanced": {k: round(v, 4) for k, v in cv.items()},
        "lightgbm_params": PARAMS,
        "rounds": ROUNDS,
        "lexicon": {"file": f"lexicon/{LEXICON_NAME}", "tokens": len(lexicon["tokens"]),
                    "lines": len(lexicon["lines"]),
                    "sha1": hashlib.sha1(lexicon_path.read_bytes()).hexdigest()},
    }
    write_model(args.out, model_dict(booster, smoothing, thresholds, meta))
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes) and {lexicon_path} "
          f"({lexicon_path.stat().st_size:,} bytes)", file=sys.stderr)
    return 0
