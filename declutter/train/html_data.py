"""WCXB dev pages to cached training rows: features, labels and per-block word counts for fast word F1.

Features are computed by the same functions ``declutter.clean`` uses, so the cache holds exactly what the
shipped model sees. The cache lives outside the repository (``/tmp/declutter-cache`` by default) and is keyed
by a hash of the feature names and the HTML-path source, so a code change never reuses stale rows.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import pickle
import re
import sys
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
from scipy import sparse

from declutter import decode, features_html
from declutter.core import html_segments, repair_text
from declutter.hints import PageHints
from declutter.lexicon import EMPTY as EMPTY_LEXICON
from declutter.parse import parse_html
from declutter.segment_html import HtmlSegment
from declutter.train.labels_html import block_labels
from declutter.train.lexicon_html import PageKeys, page_keys

_TOKEN = re.compile(r"\w+")
CACHE = Path(os.environ.get("DECLUTTER_CACHE", "/tmp/declutter-cache"))
_SOURCES = ("core.py", "decode.py", "hints.py", "segment_html.py", "_walk.pyx", "features_html.py",
            "_features.pyx", "xpaths.py", "patterns.py", "stopwords.py", "title.py", "parse.py", "lexicon.py",
            "train/labels_html.py", "train/lexicon_html.py")


def wcxb_dir() -> Path:
    """``$DECLUTTER_SHARED/benchmarks/wcxb-dev`` (default: ``shared/`` next to the repository)."""
    root = Path(__file__).resolve().parents[2]
    shared = Path(os.environ.get("DECLUTTER_SHARED", root.parent / "shared"))
    return shared / "benchmarks" / "wcxb-dev"


@dataclass(slots=True)
class Page:
    """One page's cached rows. ``words`` is blocks x page-vocabulary counts; ``ref`` the reference counts."""

    id: str
    page_type: str
    domain: str
    X: np.ndarray
    y: np.ndarray
    texts: list[str]
    words: sparse.csr_matrix
    ref: np.ndarray
    n_ref: int
    lex: PageKeys
    """Lexicon keys (``lexicon_html``): the lexicon columns of ``X`` are filled per cross-fitting fold."""


def page_segments(data: bytes) -> tuple[list[HtmlSegment], str | None, PageHints]:
    """Bytes to segments, title and hints, exactly as ``declutter.core`` does for HTML input."""
    text, _ = decode.decode_bytes(data, None)
    return html_segments(parse_html(repair_text(text), chars_clean=True))


def word_matrix(texts: list[str], reference: str) -> tuple[sparse.csr_matrix, np.ndarray, int]:
    """Per-block token counts over the page's vocabulary, and the reference's counts over the same."""
    vocab: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for i, t in enumerate(texts):
        for w in _TOKEN.findall(t.lower()):
            rows.append(i)
            cols.append(vocab.setdefault(w, len(vocab)))
    mat = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(texts), max(len(vocab), 1)))
    ref_counts = Counter(_TOKEN.findall(reference.lower()))
    ref = np.zeros(max(len(vocab), 1))
    for w, c in ref_counts.items():
        j = vocab.get(w)
        if j is not None:
            ref[j] = c
    return mat, ref, sum(ref_counts.values())


def cache_key() -> str:
    h = hashlib.sha1("\n".join(features_html.FEATURES).encode())
    base = resources.files("declutter")
    for name in _SOURCES:
        h.update((base / name).read_bytes())
    return h.hexdigest()[:12]


def load_pages(limit: int | None = None, verbose: bool = True) -> tuple[list[Page], dict[str, int]]:
    """All WCXB dev pages as ``Page`` rows and the class-word vocabulary of their lexicon keys, from the cache
    when it is current.

    The lexicon columns of ``Page.X`` are 0 here: training fills them per cross-fitting fold."""
    path = CACHE / f"wcxb-html-{cache_key()}{'' if limit is None else f'-{limit}'}.pkl"
    if path.exists():
        with path.open("rb") as fh:
            return pickle.load(fh)
    vocab: dict[str, int] = {}
    src = wcxb_dir()
    meta = json.loads((src / "metadata.json").read_text())["files"]
    pages: list[Page] = []
    for n, pid in enumerate(sorted(meta)):
        if limit is not None and n >= limit:
            break
        gt = json.loads((src / "ground-truth" / f"{pid}.json").read_text())
        reference = gt["ground_truth"].get("main_content") or ""
        data = gzip.decompress((src / "html" / f"{pid}.html.gz").read_bytes())
        segments, title, hints = page_segments(data)
        texts = [s.text for s in segments]
        X = features_html.html_features(segments, title, hints, EMPTY_LEXICON).astype(np.float32)
        words, ref, n_ref = word_matrix(texts, reference)
        pages.append(Page(pid, meta[pid]["page_type"], meta[pid]["domain"], X,
                          block_labels(texts, reference), texts, words, ref, n_ref,
                          page_keys(segments, vocab)))
        if verbose and n % 200 == 0:
            print(f"  features: {n} pages", file=sys.stderr)
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        pickle.dump((pages, vocab), fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    return pages, vocab


def page_f1(page: Page, keep: np.ndarray) -> tuple[float, float, float]:
    """Word precision, recall, F1 of keeping the ``keep`` blocks (WCXB rules, as ``metrics.word_prf``)."""
    out = page.words.T @ keep.astype(np.float64) if keep.size else np.zeros(page.ref.size)
    n_out = float(out.sum())
    if page.n_ref == 0:
        ok = 1.0 if n_out == 0 else 0.0
        return ok, ok, ok
    if n_out == 0:
        return 0.0, 0.0, 0.0
    overlap = float(np.minimum(out, page.ref).sum())
    p, r = overlap / n_out, overlap / page.n_ref
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)
