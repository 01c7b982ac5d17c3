"""What every reader yields and what every writer offers."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple, Protocol


class SourceRecord(NamedTuple):
    """One input record, or (``record is None``) one input line that could not be parsed.

    ``number`` is the 1-based line (JSONL), row (Parquet), record (WARC) or file (folder) number.
    ``warning`` notes a repair made while reading (invalid UTF-8 replaced) — the record is still cleaned.
    """

    record: dict[str, Any] | None
    number: int
    encoding: str | None = None
    input_kind: str | None = None
    error_kind: str | None = None
    error: str | None = None
    raw: str | None = None
    warning: str | None = None


class Reader(Protocol):
    path: Path
    #: Number of records when known up front (for the progress bar's ETA), else None.
    total: int | None
    #: Records the reader passed over on purpose (e.g. WARC request/metadata records), by reason.
    skipped: dict[str, int]

    def __iter__(self) -> Iterator[SourceRecord]: ...


class Writer(Protocol):
    def write(self, record: dict[str, Any]) -> None: ...

    def commit(self) -> None: ...

    def abort(self) -> None: ...


def temp_path(target: Path) -> Path:
    """Where an output is built before it is renamed: same folder (same file system), a telling name."""
    return target.with_name(f".{target.name}.tmp-{os.getpid()}")


def replace(tmp: Path, target: Path) -> None:
    """Move a finished temporary output into place (replacing an older output of the same name)."""
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    os.replace(tmp, target)


def remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def require(module: str, extra: str) -> Any:
    """Import an optional dependency, or say which extra installs it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise RuntimeError(f"this needs the package {module!r}: pip install 'declutter[{extra}]'") from e
