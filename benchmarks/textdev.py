"""Text cleaning on text-dev (``fullpage``, ``extracted``): declutter vs keep-all vs datatrove's C4 filter.

    python benchmarks/textdev.py [--speed-docs N] [--speed-passes K] [--speed-only] [--no-write]

* declutter: held-out predictions of the 5-fold, domain-grouped cross-validation of
  ``python -m declutter.train text`` (read from its cache, or computed by running the CV), turned into
  output with the smoothing and ``balanced`` threshold tuned on the other folds; never the shipped model
  itself, which has seen every page.
* keep-all: the input unchanged.
* c4 / fineweb-c4: datatrove's ``C4QualityFilter`` (C4 settings; FineWeb's ``filter_no_terminal_punct=False``)
  with its document-level rejections switched off: lines are removed, documents are never dropped.
* speed: documents per CPU second around the cleaning call only, on the same pages: declutter's full
  ``extract`` (shipped model) vs the C4 filter as benchmarked, and vs the C4 filter in its default settings
  (document-level sentence counting on, which needs spaCy) when spaCy is installed.

Writes the ``textdev`` section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import pickle
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import stamp, table, text_dev, write_section
from declutter import extract
from declutter.model import load_model
from declutter.segment_text import segment_text
from declutter.smooth import decide, smooth
from declutter.stopwords import language_names, page_language, tokens
from declutter.train.metrics import mean, word_prf, word_tokens

VARIANTS = ("fullpage", "extracted")
CV_CACHE = Path("/tmp/declutter-cache/text-cv-predictions.pkl")
MIN_LANGUAGE_PAGES = 10
TYPES = ("article", "forum", "product", "collection", "listing", "documentation", "service")


def c4_filter(fineweb: bool) -> Callable[[str], str]:
    """datatrove's C4 line filter with document rejections off (a rejected page keeps its filtered lines)."""
    from datatrove.data import Document
    from datatrove.pipeline.filters import C4QualityFilter

    f = C4QualityFilter(filter_no_terminal_punct=not fineweb, min_num_sentences=-1, filter_lorem_ipsum=False,
                        filter_curly_bracket=False)

    def run(text: str) -> str:
        doc = Document(text=text, id="x")
        f.filter(doc)
        return doc.text

    return run


def c4_default() -> Callable[[str], object] | None:
    """The C4 filter exactly as datatrove ships it (for speed only); None when spaCy is missing."""
    try:
        import spacy  # noqa: F401
        from datatrove.data import Document
        from datatrove.pipeline.filters import C4QualityFilter
    except ImportError:
        return None
    f = C4QualityFilter()
    return lambda text: f.filter(Document(text=text, id="x"))


def cv_outputs(records: dict[str, list[dict]]) -> dict[tuple[str, str], str]:
    """Held-out declutter output per (variant, id), from the training CV's cached raw scores."""
    if not CV_CACHE.exists():
        subprocess.run([sys.executable, "-m", "declutter.train", "text", "--cv-only"], check=True)
    with CV_CACHE.open("rb") as fh:
        cv = pickle.load(fh)
    model = load_model("text")
    if cv.get("version") != model.version:
        print(f"note: CV cache is of model {cv.get('version')}, shipped model is {model.version}",
              file=sys.stderr)
    raw = dict(zip(cv["ids"], cv["raw"], strict=True))
    # Each page is cut with the smoothing and threshold tuned on the other folds (older caches: on all).
    folds = cv.get("folds", [0] * len(cv["ids"]))
    per_fold = cv.get("per_fold", [{"smoothing": cv["smoothing"], "thresholds": cv["thresholds"]}])
    tuning = {key: per_fold[f] for key, f in zip(cv["ids"], folds, strict=True)}
    out: dict[tuple[str, str], str] = {}
    for v, recs in records.items():
        for r in recs:
            segs = segment_text(r["input_text"])
            s = raw[(v, r["id"])]
            tuned = tuning[(v, r["id"])]
            params, thr = tuned["smoothing"], tuned["thresholds"]["balanced"]
            keep = decide(smooth(s, params), thr, params) if len(segs) else []
            out[(v, r["id"])] = "\n".join(seg.text for seg, k in zip(segs, keep, strict=True) if k)
    return out


def scores(output: str, r: dict) -> dict[str, float]:
    prf = word_prf(output, r["reference_text"])
    ref = Counter(word_tokens(r["reference_text"]))
    junk_in = sum((Counter(word_tokens(r["input_text"])) - ref).values())
    junk_out = sum((Counter(word_tokens(output)) - ref).values())
    return {"f1": prf.f1, "p": prf.precision, "r": prf.recall, "junk_in": junk_in, "junk_out": junk_out}


def summary(rows: list[dict[str, float]]) -> list[float]:
    with_junk = [x for x in rows if x["junk_in"] > 0]
    junk = mean(1.0 - x["junk_out"] / x["junk_in"] for x in with_junk)
    pooled = 1.0 - sum(x["junk_out"] for x in rows) / max(sum(x["junk_in"] for x in rows), 1)
    return [mean(x["f1"] for x in rows), mean(x["p"] for x in rows), mean(x["r"] for x in rows), junk, pooled]


def language(text: str) -> str:
    """The page's language: the stoplist that covers most of its words ("none" when no list matches)."""
    i = page_language([tokens(line) for line in text.splitlines()])
    return language_names()[i] if i >= 0 else "none"


def speed(fns: dict[str, Callable[[str], object]], texts: list[str], passes: int) -> dict[str, float]:
    """Median documents per CPU second of each cleaner over `passes` interleaved passes, after a warm-up.

    Interleaving puts every cleaner through the same stretches of machine noise, and the warm-up keeps
    one-off loading (spaCy's pipeline, our model and lexicon) out of the timed passes.
    """
    for fn in fns.values():
        for text in texts[:20]:
            fn(text)
    runs: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(passes):
        for name, fn in fns.items():
            t = time.process_time()
            for text in texts:
                fn(text)
            runs[name].append(len(texts) / max(time.process_time() - t, 1e-9))
    return {name: median(r) for name, r in runs.items()}


def speed_table(records: dict[str, list[dict]], c4: Callable[[str], str], docs: int, passes: int) -> str:
    """The speed section: declutter's ``extract`` against the C4 filter, on the first ``docs`` pages."""
    load_model("text")
    c4_full = c4_default()
    srows = []
    for v in VARIANTS:
        texts = [r["input_text"] for r in records[v][:docs]]
        fns: dict[str, Callable[[str], object]] = {"declutter": lambda t: extract(t, input_kind="text"),
                                                   "c4": c4}
        if c4_full is not None:
            fns["c4-default"] = c4_full
        rate = speed(fns, texts, passes)
        ours = rate["declutter"]
        row: list[object] = [v, len(texts), ours, rate["c4"], f"{ours / rate['c4']:.2f}×"]
        if c4_full is not None:
            row += [rate["c4-default"], f"{ours / rate['c4-default']:.2f}×"]
        srows.append(row)
    header = ["variant", "pages", "declutter docs/s", "C4 lines-only docs/s", "ratio"]
    if c4_full is not None:
        header += ["C4 default docs/s", "ratio"]
    md = [f"\n### Speed (documents per CPU second, one process; median of {passes} "
          "interleaved passes after a warm-up)\n",
          table(header, [[*(f"{x:.1f}" if isinstance(x, float) else x for x in r)] for r in srows]),
          "\n`C4 default` is datatrove's filter as shipped (it also splits kept lines into sentences "
          "with spaCy to count them); `C4 lines-only` is the configuration scored above.\n"]
    return "\n".join(md)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--speed-docs", type=int, default=400, help="pages per variant timed for speed")
    ap.add_argument("--speed-passes", type=int, default=5, help="timed passes per cleaner (median reported)")
    ap.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    ap.add_argument("--speed-only", action="store_true", help="print the speed table only (writes nothing)")
    args = ap.parse_args(argv)
    if args.speed_only:
        records = {v: text_dev(v) for v in VARIANTS}
        print(speed_table(records, c4_filter(False), args.speed_docs, args.speed_passes))
        return 0

    records = {v: text_dev(v) for v in VARIANTS}
    cleaners: dict[str, Callable[[str], str]] = {"keep-all": lambda t: t, "c4": c4_filter(False),
                                                  "fineweb-c4": c4_filter(True)}
    dec = cv_outputs(records)
    results: dict[str, dict[str, list[tuple[str, dict[str, float]]]]] = {}
    for v, recs in records.items():
        results[v] = {"declutter (CV)": [(r["page_type"], scores(dec[(v, r["id"])], r)) for r in recs]}
        for name, fn in cleaners.items():
            results[v][name] = [(r["page_type"], scores(fn(r["input_text"]), r)) for r in recs]

    md = ["## Text mode (text-dev)\n", stamp("python benchmarks/textdev.py"),
          "Word F1 / precision / recall are means over pages; junk removed = share of the input's "
          "non-reference words that the cleaner deleted (mean over pages with junk, and pooled over all "
          "words). declutter numbers are held-out predictions of 5-fold cross-validation grouped by domain. "
          "C4 filters: datatrove `C4QualityFilter`, lines removed only (document rejections off).\n"]
    for v in VARIANTS:
        rows = [[name, *summary([s for _, s in res])] for name, res in results[v].items()]
        md.append(f"### {v} ({len(records[v])} pages)\n")
        md.append(table(["cleaner", "F1", "P", "R", "junk removed", "junk removed (pooled)"], rows))
        md.append(f"\nF1 by page type ({v}):\n")
        header = ["cleaner", *[f"{t} ({sum(1 for r in records[v] if r['page_type'] == t)})" for t in TYPES]]
        trows = [[name, *[mean(s["f1"] for pt, s in res if pt == t) for t in TYPES]]
                 for name, res in results[v].items()]
        md.append(table(header, trows))
        md.append(f"\nJunk removed by page type ({v}):\n")
        jrows = [[name, *[summary([s for pt, s in res if pt == t])[3] for t in TYPES]]
                 for name, res in results[v].items() if name != "keep-all"]
        md.append(table(header, jrows))

    langs = {r["id"]: language(r["input_text"]) for r in records["fullpage"]}
    counts = Counter(langs.values())
    shown = sorted((lang for lang, c in counts.items() if c >= MIN_LANGUAGE_PAGES), key=lambda x: -counts[x])
    lrows = []
    for lang in [*shown, "other"]:
        ids = {i for i, x in langs.items() if (x == lang if lang != "other" else x not in shown)}
        row: list[object] = [lang, len(ids)]
        for v in VARIANTS:
            for name in ("declutter (CV)", "keep-all"):
                row.append(mean(s["f1"] for r, (_, s) in zip(records[v], results[v][name], strict=True)
                                if r["id"] in ids))
        lrows.append(row)
    md.append("\n### F1 by language (language of the fullpage text, from the stoplists)\n")
    md.append(table(["language", "pages", "fullpage declutter", "fullpage keep-all", "extracted declutter",
                     "extracted keep-all"], lrows))

    md.append(speed_table(records, cleaners["c4"], args.speed_docs, args.speed_passes))
    text = "\n".join(md)
    print(text)
    if not args.no_write:
        write_section("textdev", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
