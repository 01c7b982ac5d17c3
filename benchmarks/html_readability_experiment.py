"""Does readability-lxml's verdict help the HTML scorer enough to pay for its time?

``python benchmarks/html_readability_experiment.py`` after ``benchmarks/wcxb.py`` (which saves readability's
output and time per page). Adds one feature — "this block is part of readability's article", aligned with the
same n-gram rule as the training labels — and reruns the same domain-grouped 5-fold CV with it. The number
without it is the trainer's CV report (same folds, parameters and tuning). Prints both CV F1s per page type
and readability's median time; the model card records the outcome.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

import numpy as np

from declutter.train import html as trainer
from declutter.train.html_data import Page, load_pages
from declutter.train.labels_html import block_labels

READABILITY_OUT = Path("/tmp/declutter-cache/readability-out.json")
BASELINE = Path("/tmp/declutter-cache/html-cv-report.json")


def with_feature(pages: list[Page], outputs: dict[str, dict]) -> list[Page]:
    out = []
    for p in pages:
        text = str(outputs.get(p.id, {}).get("text", ""))
        col = block_labels(p.texts, text).astype(np.float32)[:, None]
        out.append(trainer.with_columns(p, col))
    return out


def main() -> int:
    outputs = json.loads(READABILITY_OUT.read_text())
    pages, vocab = load_pages(verbose=False)
    names = trainer.names_with(("in_readability",))
    rows = with_feature(pages, outputs)
    raw, folds = trainer.cross_validate(rows, trainer.CrossFit.count(pages, vocab), names=names)
    results = {"without (trainer's CV report)": trainer.summary(json.loads(BASELINE.read_text())),
               "with readability feature": trainer.summary(trainer.cv_report(rows, raw, folds))}
    for label, res in results.items():
        print(label, " | ".join(f"{k} {v:.3f}" for k, v in res.items()), flush=True)
    ms = statistics.median(float(v["seconds"]) for v in outputs.values()) * 1e3
    print(f"readability-lxml median time per page: {ms:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
