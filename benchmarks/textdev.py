"""Text-mode cleaning on text-dev (``fullpage`` and ``extracted``): declutter vs keep-all vs datatrove's C4 filter.

    python benchmarks/textdev.py [--speed-docs N] [--no-write]

* declutter: held-out predictions of the 5-fold, domain-grouped cross-validation of
  ``python -m declutter.train text`` (read from its cache, or computed by running the CV), turned into
  output with the shipped model's smoothing and ``balanced`` threshold; never the shipped model itself,
  which has seen every page.
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import stamp, table, text_dev, write_section  # noqa: E402
from declutter import extract  # noqa: E402
from declutter.model import load_model  # noqa: E402
from declutter.segment_text import segment_text  # noqa: E402
from declutter.smooth import decide, smooth  # noqa: E402
from declutter.train.metrics import mean, word_prf, word_tokens  # noqa: E402

VARIANTS = ("fullpage", "extracted")
CV_CACHE = Path("/tmp/declutter-cache/text-cv-predictions.pkl")
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
        print(f"note: CV cache is of model {cv.get('version')}, shipped model is {model.version}", file=sys.stderr)
    raw = dict(zip(cv["ids"], cv["raw"]))
    params, thr = cv["smoothing"], cv["thresholds"]["balanced"]
    out: dict[tuple[str, str], str] = {}
    for v, recs in records.items():
        for r in recs:
            segs = segment_text(r["input_text"])
            s = raw[(v, r["id"])]
            keep = decide(smooth(s, params), thr, params) if len(segs) else []
            out[(v, r["id"])] = "\n".join(seg.text for seg, k in zip(segs, keep) if k)
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


def speed(fn: Callable[[str], object], texts: list[str]) -> float:
    t = time.process_time()
    for text in texts:
        fn(text)
    return len(texts) / max(time.process_time() - t, 1e-9)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--speed-docs", type=int, default=400, help="pages per variant timed for speed")
    ap.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = ap.parse_args(argv)

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
          "Word F1 / precision / recall are means over pages; junk removed = share of the input's non-reference "
          "words that the cleaner deleted (mean over pages with junk, and pooled over all words). declutter "
          "numbers are held-out predictions of 5-fold cross-validation grouped by domain. C4 filters: datatrove "
          "`C4QualityFilter`, lines removed only (document rejections off).\n"]
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

    load_model("text")
    extract("warm up.", input_kind="text")
    c4 = cleaners["c4"]
    c4_full = c4_default()
    srows = []
    for v in VARIANTS:
        texts = [r["input_text"] for r in records[v][: args.speed_docs]]
        ours = speed(lambda t: extract(t, input_kind="text"), texts)
        theirs = speed(c4, texts)
        row: list[object] = [v, len(texts), ours, theirs, f"{ours / theirs:.2f}×"]
        if c4_full is not None:
            full = speed(c4_full, texts)
            row += [full, f"{ours / full:.2f}×"]
        srows.append(row)
    header = ["variant", "pages", "declutter docs/s", "C4 lines-only docs/s", "ratio"]
    if c4_full is not None:
        header += ["C4 default docs/s", "ratio"]
    md.append("\n### Speed (documents per CPU second, one process)\n")
    md.append(table(header, [[*(f"{x:.1f}" if isinstance(x, float) else x for x in r)] for r in srows]))
    md.append("\n`C4 default` is datatrove's filter as shipped (it also splits kept lines into sentences with "
              "spaCy to count them); `C4 lines-only` is the configuration scored above.\n")
    text = "\n".join(md)
    print(text)
    if not args.no_write:
        write_section("textdev", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
