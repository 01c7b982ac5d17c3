"""The optional compiled modules (``_walk``, ``_trees``), built from ``.pyx`` files when the package is
installed with a C compiler. Each has a pure-Python twin with the same output; ``DECLUTTER_PURE_PYTHON=1``
switches the compiled ones off (for comparisons, and to rule them out when something looks wrong)."""

from __future__ import annotations

import importlib
import os
from types import ModuleType


def compiled(name: str) -> ModuleType | None:
    """``declutter.<name>`` if it is built and allowed, else None."""
    if os.environ.get("DECLUTTER_PURE_PYTHON"):
        return None
    try:
        return importlib.import_module(f"declutter.{name}")
    except ImportError:
        return None
