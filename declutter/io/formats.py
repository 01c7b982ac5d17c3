"""Which format a path holds, and the reader or writer for it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from declutter.io.base import Reader, Writer
from declutter.io.folder import FolderReader, FolderWriter
from declutter.io.jsonl import JsonlReader, JsonlWriter
from declutter.io.parquet import ParquetReader, ParquetWriter, output_schema
from declutter.io.warc import WarcReader

FORMATS: tuple[str, ...] = ("jsonl", "parquet", "warc", "folder")
#: The output format of each input format when the output path does not say.
DEFAULT_OUTPUT = {"jsonl": "jsonl", "parquet": "parquet", "warc": "jsonl", "folder": "folder"}
_JSONL = (".jsonl", ".ndjson", ".json")


def _suffixes(path: Path) -> list[str]:
    return [s.lower() for s in path.suffixes[-2:]]


def detect_format(path: Path) -> str | None:
    """``jsonl``/``parquet``/``warc`` by suffix (compression included), ``folder`` for a directory."""
    if path.is_dir():
        return "folder"
    suffixes = _suffixes(path)
    last = suffixes[-1] if suffixes else ""
    inner = suffixes[-2] if len(suffixes) > 1 and last in (".gz", ".zst", ".zstd") else last
    if inner in _JSONL:
        return "jsonl"
    if last in (".parquet", ".pq"):
        return "parquet"
    if inner in (".warc", ".arc"):
        return "warc"
    return None


def output_suffix(input_path: Path, in_format: str, out_format: str) -> str:
    """The file name of the output of ``input_path`` (inside an output folder): same name, new format."""
    name = input_path.name
    if in_format == out_format:
        return name
    stem = name
    for s in reversed(input_path.suffixes[-2:]):
        if stem.lower().endswith(s.lower()):
            stem = stem[: -len(s)]
    return stem + {"jsonl": ".jsonl", "parquet": ".parquet", "folder": ""}[out_format]


def open_reader(path: Path, fmt: str, field: str) -> Reader:
    if fmt == "jsonl":
        return JsonlReader(path)
    if fmt == "parquet":
        return ParquetReader(path)
    if fmt == "warc":
        return WarcReader(path, field)
    if fmt == "folder":
        return FolderReader(path, field)
    raise ValueError(f"unknown input format {fmt!r}")


def open_writer(path: Path, fmt: str, field: str, reader: Reader, extra: list[str]) -> Writer:
    """A writer for ``fmt``; Parquet output keeps the input's schema, so it needs Parquet input."""
    if fmt == "jsonl":
        return JsonlWriter(path)
    if fmt == "parquet":
        if not isinstance(reader, ParquetReader):
            raise ValueError("Parquet output needs Parquet input (its schema is kept); write .jsonl instead")
        schema: Any = output_schema(reader.schema, field, extra)
        return ParquetWriter(path, schema)
    if fmt == "folder":
        if not isinstance(reader, FolderReader):
            raise ValueError("folder output needs a folder input; write .jsonl instead")
        return FolderWriter(path, field)
    raise ValueError(f"cannot write format {fmt!r}")
