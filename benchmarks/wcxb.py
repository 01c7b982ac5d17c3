"""WCXB dev benchmark of the HTML path: declutter (cross-validated) against trafilatura, readability, jusText.

``python benchmarks/wcxb.py`` (needs the ``train`` and ``bench`` extras and ../shared):

* declutter quality comes from 5-fold cross-validation grouped by domain: every page is scored by a model
  trained on the other folds, with smoothing and thresholds tuned on the other folds too
  (``declutter.train.html``); the shipped model is only timed;
* the other extractors run on the same pages in the same run;
* speed: median per-page time of ``declutter.clean(bytes)`` against ``trafilatura.extract`` and a bare
  ``lxml.html.fromstring`` of the same bytes; peak RSS of a fresh process that cleans 1,000 pages;
* writes the ``wcxb`` and ``speed-html`` sections of docs/benchmarks.md and docs/img/html-pr-curve.png;
  ``--speed-only`` prints the speed section without writing anything (an A/B of the compiled modules:
  run it once as is and once with ``DECLUTTER_PURE_PYTHON=1``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, stamp, table, wcxb_pages, write_section

from declutter.model import load_model
from declutter.train.metrics import word_prf

IMG = ROOT / "docs" / "img" / "html-pr-curve.png"
TYPES = ("article", "documentation", "forum", "service", "product", "collection", "listing")
SPEED_EVERY = 3  # every 3rd page of the dev set is timed (453 pages)
RSS_PAGES = 1000


def _trafilatura(precision: bool) -> Callable[[bytes], str]:
    import trafilatura

    def run(data: bytes) -> str:
        return trafilatura.extract(data, favor_precision=precision) or ""

    return run


def _readability(data: bytes) -> str:
    from lxml import html as lhtml
    from readability import Document

    summary = Document(data).summary(html_partial=True)
    return lhtml.fromstring(summary).text_content() if summary.strip() else ""


def _justext(data: bytes) -> str:
    import justext

    paras = justext.justext(data, justext.get_stoplist("English"))
    return "\n".join(p.text for p in paras if not p.is_boilerplate)


OTHERS: dict[str, Callable[[], Callable[[bytes], str]]] = {
    "trafilatura": lambda: _trafilatura(False),
    "trafilatura (favor_precision)": lambda: _trafilatura(True),
    "readability-lxml": lambda: _readability,
    "jusText (English stoplist)": lambda: _justext,
}


READABILITY_OUT = Path("/tmp/declutter-cache/readability-out.json")
OTHERS_OUT = Path("/tmp/declutter-cache/wcxb-others.json")


def run_others(pages: list, log: Callable[[str], None]) -> dict[str, dict[str, dict]]:
    """Per system, per page scores; readability's texts and times are kept for the readability experiment."""
    out: dict[str, dict[str, dict]] = {}
    kept: dict[str, dict[str, object]] = {}
    for name, make in OTHERS.items():
        fn = make()
        res: dict[str, dict] = {}
        t0 = time.time()
        for p in pages:
            t = time.perf_counter()
            try:
                text = fn(p.html)
            except Exception:  # a crash counts as empty output, as it would for a user
                text = ""
            if name == "readability-lxml":
                kept[p.id] = {"text": text, "seconds": time.perf_counter() - t}
            prf = word_prf(text, p.reference)
            res[p.id] = {"precision": prf.precision, "recall": prf.recall, "f1": prf.f1,
                         "empty": bool(p.reference.strip()) and not text.strip()}
        log(f"{name}: {time.time() - t0:.0f}s")
        out[name] = res
    READABILITY_OUT.parent.mkdir(parents=True, exist_ok=True)
    READABILITY_OUT.write_text(json.dumps(kept))
    return out


def declutter_cv(report_path: Path | None, log: Callable[[str], None]) -> dict:
    if report_path and report_path.exists():
        return json.loads(report_path.read_text())
    from declutter.train import html as trainer
    from declutter.train.html_data import load_pages

    pages, vocab = load_pages()
    raw, folds = trainer.cross_validate(pages, trainer.CrossFit.count(pages, vocab))
    report = trainer.cv_report(pages, raw, folds)
    if report_path:
        report_path.write_text(json.dumps(report))
    log("declutter CV done")
    return report


def _aggregate(results: dict[str, dict], meta: dict[str, str]) -> dict[str, dict[str, float]]:
    groups: dict[str, list[dict]] = {"all": list(results.values())}
    for pid, r in results.items():
        groups.setdefault(meta[pid], []).append(r)
    return {
        g: {
            "f1": float(np.mean([r["f1"] for r in rs])),
            "precision": float(np.mean([r["precision"] for r in rs])),
            "recall": float(np.mean([r["recall"] for r in rs])),
            "empty": float(np.mean([r["empty"] for r in rs])),
            "n": len(rs),
        }
        for g, rs in groups.items()
    }


def speed(pages: list, log: Callable[[str], None]) -> dict[str, float]:
    import trafilatura
    from lxml import html as lhtml

    import declutter

    sample = pages[::SPEED_EVERY]
    for p in sample[:5]:  # warm-up: model load, caches
        declutter.clean(p.html)
        trafilatura.extract(p.html)
    t_lxml, t_dec, t_tra = [], [], []
    for p in sample:
        t = time.perf_counter()
        lhtml.fromstring(p.html)
        t_lxml.append(time.perf_counter() - t)
        t = time.perf_counter()
        declutter.clean(p.html)
        t_dec.append(time.perf_counter() - t)
        t = time.perf_counter()
        trafilatura.extract(p.html)
        t_tra.append(time.perf_counter() - t)
    med = {k: statistics.median(v) * 1e3 for k, v in (("lxml", t_lxml), ("declutter", t_dec),
                                                      ("trafilatura", t_tra))}
    ratios = [d / t for d, t in zip(t_dec, t_tra, strict=True)]
    log(f"speed: {med}")
    return {**med, "pages": len(sample), "ratio_trafilatura": med["declutter"] / med["trafilatura"],
            "ratio_lxml": med["declutter"] / med["lxml"], "median_page_ratio": statistics.median(ratios)}


_RSS_SCRIPT = """
import sys
sys.path.insert(0, {bench!r})
from _common import wcxb_pages
import declutter
n = 0
while n < {n}:
    for p in wcxb_pages():
        declutter.clean(p.html)
        n += 1
        if n >= {n}:
            break
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec, so it would report the parent benchmark's size.
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        print(int(line.split()[1]) / 1024)
"""


def peak_rss() -> float:
    """Peak RSS (MB) of a fresh process that cleans ``RSS_PAGES`` pages read one at a time."""
    script = _RSS_SCRIPT.format(bench=str(ROOT / "benchmarks"), n=RSS_PAGES)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def plot(report: dict, others: dict[str, dict[str, float]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    curves = np.array([e["curve"] for e in report["pages"].values()])  # pages x thresholds x (p, r, f1)
    mean = curves.mean(axis=0)
    ths = report["thresholds"]
    fig, ax = plt.subplots(figsize=(6, 5))
    ax.plot(mean[:, 1], mean[:, 0], "-", color="C0", label="declutter (CV), thresholds 0.1–0.9")
    for t_mark in (0.3, 0.5, 0.7):
        j = int(np.argmin(np.abs(np.asarray(ths) - t_mark)))
        ax.annotate(f"{ths[j]:.2f}", (mean[j, 1], mean[j, 0]), textcoords="offset points", xytext=(4, 4),
                    fontsize=8, color="C0")
        ax.plot(mean[j, 1], mean[j, 0], "o", color="C0", ms=4)
    marks = {"trafilatura": "s", "trafilatura (favor_precision)": "D", "readability-lxml": "^",
             "jusText (English stoplist)": "v"}
    for i, (name, agg) in enumerate(others.items()):
        ax.plot(agg["recall"], agg["precision"], marks.get(name, "x"), color=f"C{i + 1}", label=name)
    ax.set_xlabel("mean word recall")
    ax.set_ylabel("mean word precision")
    ax.set_title("WCXB dev (1,358 pages): precision/recall")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower left")
    IMG.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(IMG, dpi=110)


def _speed_section(pages: list, command: str, log: Callable[[str], None]) -> str:
    from declutter import features_html, model, segment_html

    sp = speed(pages, log)
    rss = peak_rss()
    loaded = (segment_html._walk_c, features_html._C, model._trees_c)
    compiled = "on" if all(m is not None for m in loaded) else "off"
    return "\n".join([
        "## HTML speed and memory\n",
        stamp(command),
        f"\nMedian per-page time over {sp['pages']} WCXB pages (every {SPEED_EVERY}rd page; bytes in, "
        f"same pages, same process, interleaved); declutter's compiled modules: {compiled}:\n",
        table(["what", "median ms/page", "ratio"], [
            ["lxml.html.fromstring(bytes)", sp["lxml"], 1.0],
            ["declutter.clean(bytes), shipped model", sp["declutter"], sp["ratio_lxml"]],
            ["trafilatura.extract(bytes)", sp["trafilatura"], sp["trafilatura"] / sp["lxml"]],
        ]),
        f"\ndeclutter / trafilatura: **{sp['ratio_trafilatura']:.3f}×** (ratio of medians; median of "
        f"per-page ratios {sp['median_page_ratio']:.3f}×). declutter / bare lxml parse: "
        f"**{sp['ratio_lxml']:.2f}×**.\n",
        f"\nPeak RSS of a fresh process that cleaned {RSS_PAGES:,} pages (read one at a time): "
        f"**{rss:.0f} MB**.\n",
    ])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cv-report", type=Path,
                    default=Path(f"/tmp/declutter-cache/html-cv-report-{load_model('html').version}.json"),
                    help="reuse this CV report when it exists (written by a previous run or the trainer; the "
                         "default is named after the shipped model's version, so a new model is not judged "
                         "by an old report)")
    ap.add_argument("--fresh", action="store_true", help="recompute the CV report even if it exists")
    ap.add_argument("--no-speed", action="store_true")
    ap.add_argument("--speed-only", action="store_true",
                    help="time the speed section only and print it, without writing docs (for A/B runs, e.g. "
                         "with DECLUTTER_PURE_PYTHON=1)")
    ap.add_argument("--reuse-others", action="store_true",
                    help="take the other systems' scores from the previous run (their code and the pages are "
                         "unchanged); the section says so")
    args = ap.parse_args(argv)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    if args.speed_only:
        print(_speed_section(list(wcxb_pages()), "python benchmarks/wcxb.py --speed-only", log))
        return 0
    if args.fresh and args.cv_report.exists():
        args.cv_report.unlink()
    report = declutter_cv(args.cv_report, log)
    pages = list(wcxb_pages())
    meta = {p.id: p.page_type for p in pages}
    systems: dict[str, dict[str, dict]] = {}
    for favor in ("balanced", "precision", "recall"):
        systems[f"declutter (CV, favor={favor})"] = {pid: e[favor] for pid, e in report["pages"].items()}
    if args.reuse_others and OTHERS_OUT.exists():
        saved = json.loads(OTHERS_OUT.read_text())
        systems.update(saved["results"])
        others_note = f" Other systems' scores: run of {saved['date']} on this machine (same pages)."
    else:
        others = run_others(pages, log)
        systems.update(others)
        OTHERS_OUT.write_text(json.dumps({"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                                          "results": others}))
        others_note = ""
    agg = {name: _aggregate(res, meta) for name, res in systems.items()}

    command = "python benchmarks/wcxb.py" + (" --reuse-others" if args.reuse_others else "")
    header = ["system", "word F1", "precision", "recall", "empty output"]
    rows = [[n, a["all"]["f1"], a["all"]["precision"], a["all"]["recall"], f"{a['all']['empty']:.1%}"]
            for n, a in agg.items()]
    types = [t for t in TYPES if t in agg[next(iter(agg))]]
    counts = {t: agg[next(iter(agg))][t]["n"] for t in types}
    type_rows = [[n] + [a[t]["f1"] for t in types] for n, a in agg.items()]
    md = [
        "## WCXB dev: HTML extraction quality\n",
        stamp(command),
        f"\n{len(pages)} pages. Metric: WCXB word F1 (bag of lower-cased `\\w+` tokens per page, averaged "
        "over pages; an empty reference scores 1 only for empty output). declutter numbers are 5-fold "
        "cross-validated, folds grouped by domain: each page is scored by a model trained on the other "
        "folds, with smoothing and thresholds tuned on the other folds. \"Empty output\" is the share of "
        "pages with a non-empty reference where the system returned no words." + others_note + "\n",
        "\n### Overall\n\n" + table(header, rows),
        "\n### Word F1 per page type\n\n"
        + table(["system"] + [f"{t} ({counts[t]})" for t in types], type_rows),
        "\n![precision/recall over thresholds](img/html-pr-curve.png)\n",
    ]
    write_section("wcxb", "\n".join(md))
    print("\n".join(md))
    plot(report, {n: agg[n]["all"] for n in OTHERS})

    if not args.no_speed:
        section = _speed_section(pages, command, log)
        write_section("speed-html", section)
        print(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
