"""A folder of ``.html``/``.txt`` files (optionally gzipped): one record per file, in sorted path order."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from declutter.io.base import SourceRecord, remove, replace, temp_path

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
TEXT_SUFFIXES = (".txt",)


def page_suffix(path: Path) -> str:
    """The suffix that says what a file holds, looking through a trailing ``.gz``."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def page_files(root: Path) -> list[Path]:
    wanted = HTML_SUFFIXES + TEXT_SUFFIXES
    return sorted((p for p in root.rglob("*") if p.is_file() and page_suffix(p) in wanted),
                  key=lambda p: p.relative_to(root).as_posix())


class FolderReader:
    """Records ``{"id": relative path, field: bytes}``; ``.txt`` files are cleaned as text, others as HTML."""

    def __init__(self, path: Path, field: str = "text") -> None:
        self.path = path
        self.field = field
        self.files = page_files(path)
        self.total: int | None = len(self.files)
        self.skipped: dict[str, int] = {}

    def __iter__(self) -> Iterator[SourceRecord]:
        for number, file in enumerate(self.files, 1):
            data = file.read_bytes()
            if file.suffix.lower() == ".gz":
                data = gzip.decompress(data)
            kind = "text" if page_suffix(file) in TEXT_SUFFIXES else "html"
            record = {"id": file.relative_to(self.path).as_posix(), self.field: data}
            yield SourceRecord(record, number, input_kind=kind)


class FolderWriter:
    """Writes each record's ``field`` to ``<id minus suffix>.txt`` in a temporary folder renamed on commit."""

    def __init__(self, path: Path, field: str = "text") -> None:
        self.path = path
        self.field = field
        self.tmp = temp_path(path)
        self.tmp.mkdir(parents=True)
        self._used: set[str] = set()

    def _name(self, rel: str) -> str:
        name = rel[:-3] if rel.lower().endswith(".gz") else rel
        stem, dot, suffix = name.rpartition(".")
        out = f"{stem}.txt" if dot and "/" not in suffix else f"{name}.txt"
        if out in self._used:
            out = f"{name}.txt"
        self._used.add(out)
        return out

    def write(self, record: dict[str, Any]) -> None:
        target = self.tmp / self._name(str(record["id"]))
        target.parent.mkdir(parents=True, exist_ok=True)
        value = record.get(self.field)
        target.write_text(value if isinstance(value, str) else "", encoding="utf-8", errors="replace")

    def commit(self) -> None:
        replace(self.tmp, self.path)

    def abort(self) -> None:
        remove(self.tmp)
