"""Experiment (not adopted): do larger trees or more rounds raise the HTML model's CV F1?

The shipped model is small (200 rounds of at most 15 leaves, learning rate 0.08). This refits the same
5-fold, domain-grouped cross-validation of ``python -m declutter.train html`` (same features, labels,
weights, folds and per-fold tuning of smoothing and thresholds) with larger models and prints the
balanced-threshold CV word F1 overall and per page type for each.

    python benchmarks/html_capacity_experiment.py      # ~20-40 min on 2 cores

Result and decision: docs/model-card-html.md ("Things tried").
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from declutter.train import html as trainer
from declutter.train.html_data import load_pages

#: name -> (parameter changes, rounds). The first is the shipped configuration, as the baseline.
SETTINGS: dict[str, tuple[dict[str, Any], int]] = {
    "shipped: 15 leaves x 200 rounds, lr 0.08": ({}, trainer.NUM_ROUNDS),
    "31 leaves x 400 rounds, lr 0.05": ({"num_leaves": 31, "max_depth": 8, "learning_rate": 0.05}, 400),
    "63 leaves x 500 rounds, lr 0.05": ({"num_leaves": 63, "max_depth": 10, "learning_rate": 0.05}, 500),
    "31 leaves x 800 rounds, lr 0.03, features 0.5": (
        {"num_leaves": 31, "max_depth": 8, "learning_rate": 0.03, "feature_fraction": 0.5}, 800),
}


def main() -> int:
    pages, vocab = load_pages()
    cf = trainer.CrossFit.count(pages, vocab)
    base, base_rounds = dict(trainer.PARAMS), trainer.NUM_ROUNDS
    try:
        for name, (changes, rounds) in SETTINGS.items():
            trainer.PARAMS, trainer.NUM_ROUNDS = {**base, **changes}, rounds
            t0 = time.time()
            raw, folds = trainer.cross_validate(pages, cf)
            scores = trainer.summary(trainer.cv_report(pages, raw, folds))
            print(f"{name} ({time.time() - t0:.0f}s): "
                  f"{json.dumps({k: round(v, 4) for k, v in scores.items()})}", flush=True)
    finally:
        trainer.PARAMS, trainer.NUM_ROUNDS = base, base_rounds
    return 0


if __name__ == "__main__":
    sys.exit(main())
