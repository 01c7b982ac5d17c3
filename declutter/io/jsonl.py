"""JSON Lines, plain or compressed (``.gz``, ``.zst``), read and written a line at a time."""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from declutter.io.base import SourceRecord, remove, replace, require, temp_path

RAW_PREVIEW = 2000


def compression_of(path: Path) -> str | None:
    suffix = path.suffix.lower()
    return {".gz": "gzip", ".zst": "zstd", ".zstd": "zstd"}.get(suffix)


def _zstandard() -> Any:
    return require("zstandard", "zstd")


def open_binary_read(path: Path) -> IO[bytes]:
    """A buffered, line-iterable byte stream of ``path``, decompressed on the fly."""
    kind = compression_of(path)
    if kind == "gzip":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    if kind == "zstd":
        raw = open(path, "rb")  # noqa: SIM115 - closed with the wrapper
        reader = _zstandard().ZstdDecompressor().stream_reader(raw, closefd=True, read_across_frames=True)
        return io.BufferedReader(reader, buffer_size=1 << 20)  # type: ignore[arg-type]
    return open(path, "rb", buffering=1 << 20)


def open_binary_write(path: Path, target: Path) -> IO[bytes]:
    """A byte stream compressed by ``target``'s suffix; gzip headers hold no name or time (determinism)."""
    kind = compression_of(target)
    raw = open(path, "wb")  # noqa: SIM115 - closed with the wrapper
    if kind == "gzip":
        return gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6, mtime=0)  # type: ignore[return-value]
    if kind == "zstd":
        return _zstandard().ZstdCompressor(level=3).stream_writer(raw, closefd=True)  # type: ignore[return-value]
    return raw


class JsonlReader:
    """One SourceRecord per non-blank line; lines that are not a JSON object come back as errors."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.total: int | None = None
        self.skipped: dict[str, int] = {}

    def __iter__(self) -> Iterator[SourceRecord]:
        with open_binary_read(self.path) as fh:
            for number, line in enumerate(fh, 1):
                if not line.strip():
                    self.skipped["blank lines"] = self.skipped.get("blank lines", 0) + 1
                    continue
                yield parse_line(line, number)


def parse_line(line: bytes, number: int) -> SourceRecord:
    """Parse one JSONL line; invalid UTF-8 is replaced (and noted) so the record is still cleaned."""
    warning = None
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as e:
        text = line.decode("utf-8", errors="replace")
        warning = f"invalid UTF-8 replaced with U+FFFD ({e.reason} at byte {e.start})"
    if number == 1:
        text = text.lstrip("\ufeff")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        return SourceRecord(None, number, error_kind="invalid_json", error=str(e), raw=text[:RAW_PREVIEW])
    if not isinstance(value, dict):
        kind = type(value).__name__
        return SourceRecord(None, number, error_kind="not_an_object", error=f"line holds a JSON {kind}",
                            raw=text[:RAW_PREVIEW])
    return SourceRecord(value, number, warning=warning)


def dumps(record: dict[str, Any]) -> bytes:
    """One JSONL line; strings with lone surrogates fall back to \\u escapes instead of failing."""
    try:
        return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(record, ensure_ascii=True) + "\n").encode("ascii")


class JsonlWriter:
    """Writes records as JSON Lines to a temporary file; :meth:`commit` renames it to ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tmp = temp_path(path)
        self._fh = open_binary_write(self.tmp, path)

    def write(self, record: dict[str, Any]) -> None:
        self._fh.write(dumps(record))

    def commit(self) -> None:
        self._fh.close()
        replace(self.tmp, self.path)

    def abort(self) -> None:
        self._fh.close()
        remove(self.tmp)
