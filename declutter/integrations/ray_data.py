"""``declutter clean --engine ray``: clean JSONL/Parquet with Ray Data, locally or on a cluster.

Ray Data reads the inputs, :class:`RayCleaner` (a callable class, so each actor loads the models once) cleans
them with ``map_batches``, and Ray writes a folder of JSONL or Parquet files per input, in input order
(``preserve_order``). Needs ``pip install 'declutter[ray]'`` here and on every node of a cluster.

Differences from the local engine: no per-record timeout (Ray has none per row), the inputs must parse as
JSON Lines as a whole (Arrow's reader rejects a file with a malformed line), and every output row has a
``declutter_error`` column (null when cleaning worked) so that all blocks share one schema.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from declutter.batch import (
    ERROR_FIELD,
    BatchOptions,
    CleanFn,
    Outcome,
    apply_outcome,
    make_task,
    resolve_clean_fn,
    resolve_clean_spec,
    run_task,
)
from declutter.io.base import remove, replace, require, temp_path

BATCH_SIZE = 64


class RayCleaner:
    """``map_batches`` callable: cleans the ``field`` column of a pyarrow batch, other columns untouched."""

    def __init__(self, opts: BatchOptions, clean_fn: str | CleanFn | None = None) -> None:
        self.opts = opts
        self.fn = resolve_clean_fn(clean_fn)

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        opts = self.opts
        n = batch.num_rows
        values = batch.column(opts.field).to_pylist() if opts.field in batch.column_names else [None] * n
        present = opts.field in batch.column_names
        rows = [self._row(i, {opts.field: v} if present else {}) for i, v in enumerate(values)]
        text_ok = present and _is_text(batch.schema.field(opts.field).type)
        out = batch
        if text_ok:
            out = _set(out, opts.field, pa.array([r.get(opts.field) for r in rows], pa.string()))
        for name in (opts.junk_field, opts.keep_original):
            if name:
                out = _set(out, name, pa.array([_str(r.get(name)) for r in rows], pa.string()))
        return _set(out, ERROR_FIELD, pa.array([r.get(ERROR_FIELD) for r in rows], pa.string()))

    def _row(self, seq: int, record: dict[str, Any]) -> dict[str, Any]:
        work = make_task(seq, record, self.opts)
        outcome = work if isinstance(work, Outcome) else run_task(self.fn, work, self.opts)
        return apply_outcome(record, outcome, self.opts)


def _is_text(kind: Any) -> bool:
    import pyarrow as pa

    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_binary(kind)
                or pa.types.is_large_binary(kind) or pa.types.is_null(kind))


def _str(value: Any) -> str | None:
    return value if value is None or isinstance(value, str) else str(value)


def _set(table: Any, name: str, column: Any) -> Any:
    if name in table.column_names:
        return table.set_column(table.column_names.index(name), name, column)
    return table.append_column(name, column)


def run_ray(jobs: list[Any], opts: BatchOptions, *, workers: int, address: str | None = None,
            quiet: bool = False) -> int:
    """Run every job (see :mod:`declutter.batch_cli`) on Ray; each output is a folder of files."""
    ray = require("ray", "ray")
    for job in jobs:
        if job.in_format not in ("jsonl", "parquet"):
            print(f"declutter clean: --engine ray reads JSONL and Parquet, not {job.in_format}: {job.input}",
                  file=sys.stderr)
            return 2
    if not ray.is_initialized():
        kwargs: dict[str, Any] = {"address": address} if address else {"num_cpus": max(workers, 1)}
        ray.init(include_dashboard=False, log_to_driver=not quiet, **kwargs)
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True
    if quiet:
        context.enable_progress_bars = False
    started = time.monotonic()
    spec = resolve_clean_spec(None)
    for job in jobs:
        _run_job(ray, job, opts, workers, spec)
    if not quiet:
        print(f"declutter clean (ray): {len(jobs)} outputs written in {time.monotonic() - started:.1f} s",
              file=sys.stderr)
    return 0


def _run_job(ray: Any, job: Any, opts: BatchOptions, workers: int, spec: str | CleanFn | None) -> None:
    if job.in_format == "parquet":
        ds = ray.data.read_parquet(str(job.input))
    else:
        ds = ray.data.read_json(str(job.input), lines=True)
    ds = ds.map_batches(RayCleaner, fn_constructor_kwargs={"opts": opts, "clean_fn": spec},
                        batch_format="pyarrow", batch_size=BATCH_SIZE, concurrency=(1, max(workers, 1)))
    tmp = temp_path(job.output)
    try:
        _write(ds, job.out_format, str(tmp))
        replace(tmp, job.output)
    except BaseException:
        remove(tmp)
        raise


def _write(ds: Any, fmt: str, path: str) -> None:
    if fmt == "parquet":
        ds.write_parquet(path)
    else:
        ds.write_json(path, force_ascii=False)
