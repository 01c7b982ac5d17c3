"""``python -m declutter.train html``: train, cross-validate and export the HTML block scorer.

Steps, all deterministic (fixed seeds, fixed thread count, sorted inputs):

1. rows from the WCXB dev pages (``html_data``: features, labels, word counts; cached under /tmp);
2. 5-fold cross-validation grouped by domain: each fold's pages are scored by a model trained on the others;
3. smoothing and the three ``favor`` thresholds chosen for each fold on the *other* folds' out-of-fold
   scores (so no reported number saw its own page's labels), and once on all of them for the shipped file;
4. one model on all pages, exported to ``declutter/data/models/html.json.gz`` (``declutter-trees/1``), with
   its lexicon ``declutter/data/lexicon/html.json.gz``.

The lexicon columns are learned from the labels, so they are cross-fitted as the text scorer's are
(``lexicon_text``): for outer fold k, held-out pages use the lexicon of the other four folds and a training
page of fold j the lexicon of the three folds other than j and k; the final classifier is trained on pages
whose lexicon excludes their own fold, and the shipped lexicon is counted on all pages.

``--cv-only`` stops after step 3; ``--report PATH`` writes the per-page CV results as JSON (read by
``benchmarks/wcxb.py``).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from declutter import features_html
from declutter.smooth import decide, drop_repeats, smooth
from declutter.train import lexicon_text
from declutter.train.cv import domain_folds
from declutter.train.export import flatten_lightgbm, write_model
from declutter.train.html_data import Page, load_pages, page_f1
from declutter.train.lexicon_html import lexicon_columns

MODEL_PATH = Path(__file__).resolve().parents[1] / "data" / "models" / "html.json.gz"
LEXICON_NAME = "html.json.gz"
VERSION = "1.4.0"
K_FOLDS = 5
NUM_ROUNDS = 200
PARAMS: dict[str, Any] = {
    "objective": "binary",
    "learning_rate": 0.08,
    "num_leaves": 15,
    "max_depth": 6,
    "min_data_in_leaf": 40,
    "feature_fraction": 0.7,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "max_bin": 63,
    "num_threads": 2,
    "deterministic": True,
    "force_row_wise": True,
    "seed": 20240601,
    "verbose": -1,
}
#: A page with text never comes back empty: when no block reaches the threshold, the blocks scoring at least
#: this fraction of the page's best are kept. (Left to the grid, it is switched off: it costs the ~1.5 % of
#: pages whose reference is empty about as much as it gains elsewhere; users want text.)
EMPTY_FALLBACK = 0.7
#: A block with the same text as an earlier content block is junk (``smooth.drop_repeats``): the reference
#: holds repeated text once. Stored with the smoothing so ``declutter.clean`` applies it with this model only.
DROP_REPEATS = 1.0
#: Smoothing grid (``alpha``, ``window``); tail rule off or on (``tail_anchor``, ``tail_margin``).
SMOOTH_GRID: tuple[dict[str, float], ...] = tuple(
    {"alpha": a, "window": w, **tail, "empty_fallback": EMPTY_FALLBACK, "drop_repeats": DROP_REPEATS}
    for a in (0.0, 0.2, 0.35, 0.5)
    for w in ((1, 2, 3) if a else (0,))
    for tail in ({}, {"tail_anchor": 0.8, "tail_margin": 0.15})
)
THRESHOLDS = np.round(np.arange(0.1, 0.91, 0.025), 3)
#: favor -> beta of the per-page F-beta that its threshold maximises.
FAVOR_BETA = {"precision": 0.5, "balanced": 1.0, "recall": 2.0}


@dataclass(frozen=True, slots=True)
class Tuned:
    smoothing: dict[str, float]
    thresholds: dict[str, float]


def _weights(pages: Sequence[Page]) -> np.ndarray:
    """Each page weighs the same in total, spread over its blocks by word count (the metric counts words)."""
    out = []
    for p in pages:
        w = 1.0 + np.asarray(p.words.sum(axis=1)).ravel()
        out.append(w / w.sum() * 100.0)
    return np.concatenate(out)


@dataclass
class CrossFit:
    """Per-fold lexicon counts of the pages' class words; a page's lexicon columns for any left-out folds."""

    folds: list[int]
    classes: lexicon_text.FoldCounts

    @classmethod
    def count(cls, pages: Sequence[Page], vocab: dict[str, int]) -> CrossFit:
        folds = domain_folds([p.domain for p in pages], K_FOLDS)
        incidences = [lexicon_text.token_incidences(p.lex.cls[:, 2], p.lex.cls[:, 0], p.y, len(vocab))
                      for p in pages]
        return cls(folds, lexicon_text.FoldCounts.count(incidences, folds, [p.domain for p in pages], K_FOLDS,
                                                        len(vocab)))

    def columns(self, page: Page, exclude: frozenset[int]) -> np.ndarray:
        """The page's ``LEXICON_FEATURES`` with the lexicon of every fold but ``exclude``."""
        return lexicon_columns(page.lex, self.classes.values(exclude))

    def rows(self, pages: Sequence[Page], i: int, also: int | None = None) -> np.ndarray:
        """Feature rows of page ``i``, its lexicon columns built without its own fold (and fold ``also``)."""
        return lexicon_text.cross_fitted_rows(pages[i].X, len(features_html.LEXICON_FEATURES), self.folds[i],
                                              also, lambda left_out: self.columns(pages[i], left_out))


#: First lexicon column: experiments' extra columns go before it (``with_columns``).
_LEXICON_AT = len(features_html.FEATURES) - len(features_html.LEXICON_FEATURES)


def with_columns(page: Page, extra: np.ndarray) -> Page:
    """The page with ``extra`` feature columns (experiments), put before the lexicon columns so that
    ``CrossFit.rows`` still fills those; name them with ``names_with``."""
    X = np.hstack([page.X[:, :_LEXICON_AT], extra.astype(page.X.dtype), page.X[:, _LEXICON_AT:]])
    return dataclasses.replace(page, X=X)


def names_with(extra: Sequence[str]) -> tuple[str, ...]:
    """Feature names of ``with_columns`` rows."""
    return (*features_html.FEATURES[:_LEXICON_AT], *extra, *features_html.FEATURES[_LEXICON_AT:])


def fit(pages: Sequence[Page], rounds: int | None = None, names: Sequence[str] | None = None,
        rows: Sequence[np.ndarray] | None = None) -> Any:
    """One LightGBM fit; ``rounds`` defaults to ``NUM_ROUNDS`` at call time (experiments change it);
    ``rows``: the pages' feature rows when not ``Page.X`` (cross-fitted lexicon columns)."""
    import lightgbm as lgb

    X = np.vstack(rows if rows is not None else [p.X for p in pages]).astype(np.float64)
    y = np.concatenate([p.y for p in pages]).astype(np.float64)
    data = lgb.Dataset(X, y, weight=_weights(pages), feature_name=list(names or features_html.FEATURES),
                       free_raw_data=True)
    return lgb.train(PARAMS, data, num_boost_round=NUM_ROUNDS if rounds is None else rounds)


def _fbeta(p: float, r: float, beta: float) -> float:
    b2 = beta * beta
    return (1 + b2) * p * r / (b2 * p + r) if p + r else 0.0


def _page_sweep(page: Page, scores: np.ndarray, params: dict[str, float]) -> np.ndarray:
    """(precision, recall, F1) of one page at every threshold; ``decide`` vectorised over thresholds."""
    res = np.zeros((THRESHOLDS.size, 3))
    if scores.size == 0:
        res[:] = 1.0 if page.n_ref == 0 else 0.0
        return res
    keep = np.stack([decide(scores, float(t), params) for t in THRESHOLDS], axis=1)
    if params.get("drop_repeats"):
        keep = drop_repeats(keep, page.texts)
    keep = keep.astype(np.float64)
    out = np.asarray(page.words.T @ keep)  # vocabulary x thresholds
    n_out = out.sum(axis=0)
    if page.n_ref == 0:
        ok = (n_out == 0).astype(np.float64)
        return np.stack([ok, ok, ok], axis=1)
    overlap = np.minimum(out, page.ref[:, None]).sum(axis=0)
    p = np.divide(overlap, n_out, out=np.zeros_like(overlap), where=n_out > 0)
    r = overlap / page.n_ref
    f = np.divide(2 * p * r, p + r, out=np.zeros_like(p), where=(p + r) > 0)
    return np.stack([p, r, f], axis=1)


def sweep(pages: Sequence[Page], raw: Sequence[np.ndarray], params: dict[str, float]) -> np.ndarray:
    """Per page and threshold: (precision, recall, F1) — array of shape (pages, thresholds, 3)."""
    return np.stack([_page_sweep(p, smooth(s, params), params) for p, s in zip(pages, raw, strict=True)])


def tune(pages: Sequence[Page], raw: Sequence[np.ndarray]) -> Tuned:
    """Smoothing with the best mean F1 at its best threshold; favor thresholds by mean F-beta."""
    best: tuple[float, int, np.ndarray] | None = None
    for gi, params in enumerate(SMOOTH_GRID):
        res = sweep(pages, raw, params)
        score = float(res[:, :, 2].mean(axis=0).max())
        if best is None or score > best[0] + 1e-9:
            best = (score, gi, res)
    assert best is not None
    _, gi, res = best
    thresholds = {}
    for favor, beta in FAVOR_BETA.items():
        fb = np.array([[_fbeta(p, r, beta) for p, r, _ in row] for row in res]).mean(axis=0)
        thresholds[favor] = float(THRESHOLDS[int(fb.argmax())])
    return Tuned(dict(SMOOTH_GRID[gi]), thresholds)


def cross_validate(pages: Sequence[Page], cf: CrossFit | None = None, log: Any = sys.stderr,
                   names: Sequence[str] | None = None) -> tuple[list[np.ndarray], list[int]]:
    """Out-of-fold raw scores per page (each from a model that never saw the page's domain, with lexicon
    columns from a lexicon that never saw it either). Without ``cf`` the rows are ``Page.X`` as they are,
    lexicon columns 0 (``--no-lexicon``)."""
    folds = domain_folds([p.domain for p in pages], K_FOLDS)
    raw: list[np.ndarray] = [np.zeros(0)] * len(pages)
    for k in range(K_FOLDS):
        t0 = time.time()
        train = [i for i, f in enumerate(folds) if f != k]
        rows = None if cf is None else [cf.rows(pages, i, also=k) for i in train]
        booster = fit([pages[i] for i in train], names=names, rows=rows)
        for i, (p, f) in enumerate(zip(pages, folds, strict=True)):
            if f == k and len(p.y):
                X = p.X if cf is None else cf.rows(pages, i)
                raw[i] = booster.predict(X.astype(np.float64))
        print(f"  fold {k}: {len(train)} training pages, {time.time() - t0:.0f}s", file=log)
    return raw, folds


def cv_report(pages: Sequence[Page], raw: Sequence[np.ndarray], folds: Sequence[int]) -> dict[str, Any]:
    """Per-page CV results at each favor, with smoothing/thresholds tuned on the other folds only."""
    per_page: dict[str, dict[str, Any]] = {}
    tuned_per_fold: dict[int, dict[str, Any]] = {}
    for k in range(K_FOLDS):
        others = [i for i, f in enumerate(folds) if f != k]
        tuned = tune([pages[i] for i in others], [raw[i] for i in others])
        tuned_per_fold[k] = {"smoothing": tuned.smoothing, "thresholds": tuned.thresholds}
        for i, f in enumerate(folds):
            if f != k:
                continue
            p = pages[i]
            sm = smooth(raw[i], tuned.smoothing)
            entry: dict[str, Any] = {"page_type": p.page_type, "domain": p.domain, "fold": k,
                                     "scores": [round(float(v), 5) for v in sm]}
            for favor, t in tuned.thresholds.items():
                keep = decide(sm, t, tuned.smoothing)
                if tuned.smoothing.get("drop_repeats"):
                    keep = drop_repeats(keep, p.texts)
                entry[favor] = dict(zip(("precision", "recall", "f1"), page_f1(p, keep), strict=True))
                entry[favor]["empty"] = bool(p.n_ref > 0 and (p.words.T @ keep.astype(float)).sum() == 0)
            curve = sweep([p], [raw[i]], tuned.smoothing)[0]
            entry["curve"] = [[round(float(a), 5) for a in row] for row in curve]
            per_page[p.id] = entry
    return {"pages": per_page, "tuned_per_fold": tuned_per_fold, "thresholds": THRESHOLDS.tolist()}


def summary(report: dict[str, Any], favor: str = "balanced") -> dict[str, float]:
    by_type: dict[str, list[float]] = {}
    for e in report["pages"].values():
        by_type.setdefault(e["page_type"], []).append(e[favor]["f1"])
        by_type.setdefault("all", []).append(e[favor]["f1"])
    return {k: float(np.mean(v)) for k, v in sorted(by_type.items())}


def lexicon_dict(cf: CrossFit, vocab: dict[str, int]) -> dict[str, Any]:
    """The shipped lexicon: counted on every page (the classifier saw only cross-fitted values)."""
    return lexicon_text.lexicon_file("html", VERSION, {"classes": (cf.classes, list(vocab))})


def export(booster: Any, tuned: Tuned, cv: dict[str, float], n_pages: int,
           lexicon: dict[str, Any]) -> dict[str, Any]:
    dump = booster.dump_model()
    return {
        "format": "declutter-trees/1",
        "name": "html",
        "version": VERSION,
        "features": list(features_html.FEATURES),
        "trees": flatten_lightgbm(dump),
        "thresholds": tuned.thresholds,
        "smoothing": tuned.smoothing,
        "meta": {
            "trainer": "declutter.train.html",
            "data": f"WCXB dev, {n_pages} pages",
            "params": {k: v for k, v in PARAMS.items() if k != "verbose"},
            "rounds": NUM_ROUNDS,
            "cv_word_f1": {k: round(v, 4) for k, v in cv.items()},
            "lexicon": lexicon,
        },
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m declutter.train html", description=__doc__.splitlines()[0])
    ap.add_argument("--cv-only", action="store_true", help="cross-validate, do not write the model")
    ap.add_argument("--report", type=Path, help="write per-page CV results (JSON) here")
    ap.add_argument("--output", type=Path, default=MODEL_PATH, help="model file to write")
    ap.add_argument("--seed", type=int, help="LightGBM seed (with --cv-only: how much of a change is noise)")
    ap.add_argument("--no-lexicon", action="store_true",
                    help="with --cv-only: leave the lexicon columns at 0 (the features of model 1.2.0)")
    args = ap.parse_args(argv)
    if (args.seed is not None or args.no_lexicon) and not args.cv_only:
        ap.error("--seed and --no-lexicon are for --cv-only runs: the shipped model is built one way")
    if args.seed is not None:
        PARAMS["seed"] = args.seed

    t0 = time.time()
    pages, vocab = load_pages()
    n_blocks = sum(len(p.y) for p in pages)
    print(f"{len(pages)} pages, {n_blocks} blocks ({time.time() - t0:.0f}s)", file=sys.stderr)
    cf = CrossFit.count(pages, vocab)
    raw, folds = cross_validate(pages, None if args.no_lexicon else cf)
    report = cv_report(pages, raw, folds)
    cv = summary(report)
    for favor in FAVOR_BETA:
        scores = ", ".join(f"{k} {v:.3f}" for k, v in summary(report, favor).items())
        print(f"CV word F1 ({favor}): {scores}", file=sys.stderr)
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(json.dumps(report), encoding="utf-8")
    if args.cv_only:
        return 0
    tuned = tune(pages, raw)
    booster = fit(pages, rows=[cf.rows(pages, i) for i in range(len(pages))])
    lexicon = lexicon_dict(cf, vocab)
    lexicon_path = args.output.parent.parent / "lexicon" / LEXICON_NAME
    lexicon_path.parent.mkdir(parents=True, exist_ok=True)
    write_model(lexicon_path, lexicon)
    summary_of_lexicon = {"file": f"lexicon/{LEXICON_NAME}", "classes": len(lexicon["classes"]),
                          "sha1": hashlib.sha1(lexicon_path.read_bytes()).hexdigest()}
    model = export(booster, tuned, cv, len(pages), summary_of_lexicon)
    write_model(args.output, model)
    print(f"wrote {args.output} ({args.output.stat().st_size:,} bytes); smoothing {tuned.smoothing}, "
          f"thresholds {tuned.thresholds}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
