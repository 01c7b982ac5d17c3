"""Parquet, read and written in record batches with pyarrow (never the whole table in memory)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from declutter.io.base import SourceRecord, remove, replace, require, temp_path

BATCH_ROWS = 1024


def _pq() -> Any:
    require("pyarrow", "parquet")
    import pyarrow.parquet as pq

    return pq


class ParquetReader:
    """Rows of a Parquet file as dicts, a record batch at a time; the row count is known (progress ETA)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file = _pq().ParquetFile(path)
        self.total: int | None = self.file.metadata.num_rows
        self.schema = self.file.schema_arrow
        self.skipped: dict[str, int] = {}

    def __iter__(self) -> Iterator[SourceRecord]:
        number = 0
        for batch in self.file.iter_batches(batch_size=BATCH_ROWS):
            for row in batch.to_pylist():
                number += 1
                yield SourceRecord(row, number)


def output_schema(schema: Any, field: str, extra: list[str]) -> Any:
    """The input schema with ``field`` as text (binary pages become strings) and the new string columns."""
    import pyarrow as pa

    fields = []
    for f in schema:
        if f.name == field and (pa.types.is_binary(f.type) or pa.types.is_large_binary(f.type)):
            f = f.with_type(pa.large_string() if pa.types.is_large_binary(f.type) else pa.string())
        fields.append(f)
    names = {f.name for f in fields}
    fields += [pa.field(name, pa.string()) for name in extra if name not in names]
    return pa.schema(fields, metadata=schema.metadata)


class ParquetWriter:
    """Buffers BATCH_ROWS rows and writes them as one row group to a temporary file, renamed on commit."""

    def __init__(self, path: Path, schema: Any) -> None:
        self.path = path
        self.tmp = temp_path(path)
        self.schema = schema
        self._rows: list[dict[str, Any]] = []
        self._writer = _pq().ParquetWriter(self.tmp, schema)

    def write(self, record: dict[str, Any]) -> None:
        self._rows.append(record)
        if len(self._rows) >= BATCH_ROWS:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if self._rows:
            self._writer.write_table(pa.Table.from_pylist(self._rows, schema=self.schema))
            self._rows = []

    def commit(self) -> None:
        self._flush()
        self._writer.close()
        replace(self.tmp, self.path)

    def abort(self) -> None:
        self._rows = []
        self._writer.close()
        remove(self.tmp)
