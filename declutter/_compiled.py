"""The optional compiled modules (``_walk``, ``_trees``, ``_features``), built from ``.pyx`` files when the
package is installed with a C compiler. Each has a pure-Python twin with the same output;
``DECLUTTER_PURE_PYTHON=1`` switches the compiled ones off (for comparisons, and to rule them out when
something looks wrong)."""

from __future__ import annotations

import importlib
import os
import warnings
from types import ModuleType


def compiled(name: str) -> ModuleType | None:
    """``declutter.<name>`` if it is built and allowed, else None.

    A module that is built but cannot load (say, lxml was upgraded to a binary-incompatible version after the
    build) costs speed, not correctness: declutter warns once and runs the pure-Python twin.
    """
    if os.environ.get("DECLUTTER_PURE_PYTHON"):
        return None
    try:
        return importlib.import_module(f"declutter.{name}")
    except ModuleNotFoundError:
        return None
    except Exception as exc:  # any load failure falls back to the same code in Python
        warnings.warn(f"declutter: compiled module {name} failed to load ({exc!r}); using pure Python",
                      RuntimeWarning, stacklevel=2)
        return None
