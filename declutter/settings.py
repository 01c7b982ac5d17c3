"""The one options object that travels through the pipeline."""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Real
from typing import Literal

from declutter.errors import DeclutterError

Favor = Literal["precision", "balanced", "recall"]
InputKindOption = Literal["auto", "html", "text"]

FAVORS: tuple[str, ...] = ("precision", "balanced", "recall")
INPUT_KINDS: tuple[str, ...] = ("auto", "html", "text")

#: Inputs larger than this are refused (bytes, or characters for str input).
MAX_INPUT_SIZE = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Options:
    """How to clean one page.

    ``threshold`` overrides ``favor``: a block is content when its smoothed score is at least the threshold.
    ``favor`` picks one of the thresholds measured for the model (see docs/benchmarks.md).
    """

    input_kind: InputKindOption = "auto"
    url: str | None = None
    encoding: str | None = None
    favor: Favor = "balanced"
    threshold: float | None = None
    max_input_size: int = MAX_INPUT_SIZE

    def __post_init__(self) -> None:
        """Reject bad options at once, with the one exception type callers already catch."""
        if self.input_kind not in INPUT_KINDS:
            raise DeclutterError(f"input_kind must be one of {INPUT_KINDS}, not {self.input_kind!r}")
        if self.favor not in FAVORS:
            raise DeclutterError(f"favor must be one of {FAVORS}, not {self.favor!r}")
        if self.threshold is not None:
            if isinstance(self.threshold, bool) or not isinstance(self.threshold, Real):
                raise DeclutterError(f"threshold must be a number within 0..1, not {self.threshold!r}")
            if not 0.0 <= float(self.threshold) <= 1.0:
                raise DeclutterError(f"threshold must be within 0..1, not {self.threshold!r}")
        for name in ("url", "encoding"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise DeclutterError(f"{name} must be a str or None, not {type(value).__name__}")
        if isinstance(self.max_input_size, bool) or not isinstance(self.max_input_size, int):
            raise DeclutterError(f"max_input_size must be an int, not {self.max_input_size!r}")
