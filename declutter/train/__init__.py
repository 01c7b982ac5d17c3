"""Training and evaluation tools: labels from the dev data, grouped cross-validation, model export.

Needs the ``train`` extra (LightGBM, scikit-learn) for fitting; ``metrics`` and ``export`` need only numpy.
Run ``python -m declutter.train --help``.
"""
