"""``declutter clean INPUT... -o OUTPUT``: clean whole scraped datasets (JSONL, Parquet, WARC, folders).

Every input record gives exactly one output record, in input order, with its other fields kept; a record that
fails keeps its text and gains ``declutter_error``. Outputs are written under a temporary name and renamed
when complete, so ``--resume`` can skip the finished ones after an interruption.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from declutter.batch import (
    ERROR_FIELD,
    BatchOptions,
    BatchStats,
    Outcome,
    Task,
    WorkerPool,
    apply_outcome,
    clean_stream,
    make_task,
    resolve_clean_spec,
)
from declutter.io import SourceRecord, detect_format, open_reader, open_writer, output_suffix
from declutter.io.base import remove, temp_path
from declutter.io.formats import DEFAULT_OUTPUT, FORMATS
from declutter.io.jsonl import dumps

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class UsageError(Exception):
    """A command line that cannot be run as given (message shown to the user, exit status 2)."""


@dataclass(frozen=True, slots=True)
class Job:
    """One input and where its output (and its errors file) go."""

    input: Path
    in_format: str
    output: Path
    out_format: str

    @property
    def errors(self) -> Path:
        return self.output.with_name(self.output.name + ".errors.jsonl")


@dataclass(slots=True)
class RunStats:
    """Totals of a run, over every job."""

    records: BatchStats = field(default_factory=BatchStats)
    unparseable: Counter[str] = field(default_factory=Counter)
    warnings: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    done: int = 0
    resumed: int = 0
    failed: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- command line


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="declutter clean",
        description="Clean whole datasets: JSONL (.jsonl, .jsonl.gz, .jsonl.zst), Parquet, WARC (HTML "
                    "responses) and folders of .html/.txt files. One output record per input record, "
                    "in order.",
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", type=Path, help="input files or folders")
    p.add_argument("-o", "--output", required=True,
                   help="output file (one input) or folder (several inputs, or a trailing /)")
    p.add_argument("--field", default="text", help="field holding the page to clean (default: text)")
    p.add_argument("--input-kind", choices=("auto", "html", "text"), default="auto")
    p.add_argument("--favor", choices=("precision", "balanced", "recall"), default="balanced")
    p.add_argument("--threshold", type=float, default=None, help="block score cut-off (overrides --favor)")
    p.add_argument("--workers", type=int, default=_cpus(), help="worker processes (0: clean in this process)")
    p.add_argument("--timeout", type=float, default=60.0,
                   help="seconds one record may take before its worker is killed (0: none; default 60)")
    p.add_argument("--junk-field", metavar="F", help="also write the removed text to field F")
    p.add_argument("--keep-original", metavar="F", help="also keep the original page in field F")
    p.add_argument("--output-format", choices=("jsonl", "parquet", "folder"),
                   help="default: from OUTPUT's suffix, else like the input (WARC gives JSONL)")
    p.add_argument("--resume", action="store_true", help="skip inputs whose output is already complete")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary")
    p.add_argument("--engine", choices=("local", "ray"), default="local",
                   help="local processes, or Ray Data (JSONL/Parquet; pip install 'declutter[ray]')")
    p.add_argument("--address", help="Ray cluster address for --engine ray (default: start a local Ray)")
    return p


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``declutter clean``; ``argv`` excludes the program name (a leading "clean" is ok)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["clean"]:
        args_list = args_list[1:]
    parser = build_parser()
    args = parser.parse_args(args_list)
    try:
        opts = _options(args)
        jobs = plan_jobs(args.inputs, args.output, args.output_format, resume=args.resume)
    except UsageError as e:
        parser.error(str(e))
    if args.engine == "ray":
        from declutter.integrations.ray_data import run_ray

        return run_ray(jobs, opts, workers=max(args.workers, 1), address=args.address, quiet=args.quiet)
    return run_local(jobs, opts, args)


def _options(args: argparse.Namespace) -> BatchOptions:
    if args.threshold is not None and not 0.0 <= args.threshold <= 1.0:
        raise UsageError("--threshold must be within 0..1")
    if args.workers < 0:
        raise UsageError("--workers must be 0 or more")
    names = [args.field, args.junk_field, args.keep_original]
    given = [n for n in names if n]
    if len(set(given)) != len(given) or ERROR_FIELD in given:
        raise UsageError(f"--field, --junk-field and --keep-original must differ (and not be {ERROR_FIELD})")
    return BatchOptions(field=args.field, input_kind=args.input_kind, favor=args.favor,
                        threshold=args.threshold, junk_field=args.junk_field,
                        keep_original=args.keep_original,
                        timeout=args.timeout if args.timeout and args.timeout > 0 else None)


def plan_jobs(inputs: list[Path], output_arg: str, output_format: str | None, *,
              resume: bool = False) -> list[Job]:
    """Pair each input with its output: OUTPUT itself for one input, else OUTPUT/<input name>.

    An existing output folder is never replaced wholesale (it may hold anything): it must be removed first,
    or skipped with ``--resume``.
    """
    single = len(inputs) == 1 and not output_arg.endswith(("/", os.sep))
    output = Path(output_arg)
    jobs: list[Job] = []
    for path in inputs:
        if not path.exists():
            raise UsageError(f"{path}: no such file or folder")
        in_format = detect_format(path)
        if in_format is None:
            raise UsageError(f"{path}: cannot tell the format (expected .jsonl[.gz|.zst], .parquet, "
                             f".warc[.gz] or a folder)")
        out_format = output_format or (detect_format(output) if single and not output.is_dir() else None)
        if out_format not in ("jsonl", "parquet", "folder"):
            out_format = DEFAULT_OUTPUT[in_format]
        target = output
        if not single or (output.is_dir() and out_format != "folder"):
            target = output / output_suffix(path, in_format, out_format)
        if target.resolve() == path.resolve():
            raise UsageError(f"{path}: the output would overwrite the input")
        if out_format == "folder" and target.is_dir() and not resume:
            raise UsageError(f"{target}: output folder exists; remove it, or pass --resume to keep it")
        jobs.append(Job(path, in_format, target, out_format))
    outputs = [j.output.resolve() for j in jobs]
    if len(set(outputs)) != len(outputs):
        raise UsageError("two inputs would write the same output (same file name); run them separately")
    assert all(j.in_format in FORMATS for j in jobs)
    return jobs


# --------------------------------------------------------------------------- running


class ErrorLog:
    """The ``<output>.errors.jsonl`` file: unparseable lines and failed records, with their line numbers."""

    def __init__(self, path: Path, input_path: Path) -> None:
        self.path = path
        self.input = str(input_path)
        self.tmp = temp_path(path)
        self._fh: Any = None

    def write(self, entry: dict[str, Any]) -> None:
        if self._fh is None:
            self._fh = open(self.tmp, "wb")  # noqa: SIM115 - closed in commit/abort
        self._fh.write(dumps({"input": self.input, **entry}))

    def commit(self) -> None:
        remove(self.path)
        if self._fh is not None:
            self._fh.close()
            os.replace(self.tmp, self.path)

    def abort(self) -> None:
        if self._fh is not None:
            self._fh.close()
        remove(self.tmp)


def run_local(jobs: list[Job], opts: BatchOptions, args: argparse.Namespace) -> int:
    totals = RunStats()
    started = time.monotonic()
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    pool: WorkerPool | None = None
    try:
        for n, job in enumerate(jobs):
            if args.resume and job.output.exists():
                totals.resumed += 1
                continue
            if pool is None and args.workers > 0:
                pool = WorkerPool(args.workers, opts, resolve_clean_spec())
            try:
                run_job(job, opts, args, totals, pool)
                totals.done += 1
            except (OSError, ValueError, EOFError, RuntimeError) as e:
                totals.failed.append(f"{job.input}: {type(e).__name__}: {e}")
                print(f"declutter clean: {job.input}: {e}", file=sys.stderr)
            if not args.quiet and len(jobs) > 1 and not _tty():
                print(f"[{n + 1}/{len(jobs)}] {job.input} -> {job.output}", file=sys.stderr)
    except KeyboardInterrupt:
        elapsed = time.monotonic() - started
        if not args.quiet:
            print(summary(totals, elapsed, len(jobs)), file=sys.stderr)
        complete = totals.done + totals.resumed
        print(f"declutter clean: interrupted; {complete} of {len(jobs)} outputs complete. "
              "Run the same command with --resume to finish.", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        signal.signal(signal.SIGTERM, previous)
        if pool is not None:
            pool.close(kill=True)
    if not args.quiet:
        print(summary(totals, time.monotonic() - started, len(jobs)), file=sys.stderr)
    return EXIT_FAILED if totals.failed else EXIT_OK


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _tty() -> bool:
    return sys.stderr.isatty()


def run_job(job: Job, opts: BatchOptions, args: argparse.Namespace, totals: RunStats,
            pool: WorkerPool | None = None) -> None:
    """Clean one input into its output; on any failure or interrupt, nothing is left at the output's name."""
    job.output.parent.mkdir(parents=True, exist_ok=True)
    reader = open_reader(job.input, job.in_format, opts.field)
    extra = [f for f in (opts.junk_field, opts.keep_original, ERROR_FIELD) if f]
    writer = open_writer(job.output, job.out_format, opts.field, reader, extra)
    errors = ErrorLog(job.errors, job.input)
    stats = BatchStats()
    bar = _progress(reader.total, job.input.name, enabled=not args.quiet and _tty())
    stream = clean_stream(_items(reader, opts), opts, workers=args.workers, pool=pool)
    try:
        with contextlib.closing(stream):
            for src, outcome in stream:
                _emit(src, outcome, opts, writer, errors, stats, totals)
                bar.update(1)
        errors.commit()
        writer.commit()
    except BaseException:
        writer.abort()
        errors.abort()
        raise
    finally:
        bar.close()
        totals.records.merge(stats)
        totals.skipped.update(reader.skipped)


def _items(reader: Any, opts: BatchOptions) -> Iterator[tuple[SourceRecord, Task | Outcome]]:
    """Every input line in order: parsed records become Tasks; unparseable lines ride along as settled."""
    for seq, src in enumerate(reader):
        if src.record is None:
            yield src, Outcome(seq, error_kind=src.error_kind, error=src.error)
            continue
        yield src, make_task(seq, src.record, opts, encoding=src.encoding, input_kind=src.input_kind)


def _emit(src: SourceRecord, outcome: Outcome, opts: BatchOptions, writer: Any, errors: ErrorLog,
          stats: BatchStats, totals: RunStats) -> None:
    if src.record is None:
        totals.unparseable[src.error_kind or "unparseable"] += 1
        errors.write({"line": src.number, "error": src.error_kind, "message": src.error, "raw": src.raw})
        return
    stats.records_in += 1
    if src.warning:
        totals.warnings["invalid_utf8"] += 1
        errors.write({"line": src.number, "warning": "invalid_utf8", "message": src.warning})
    stats.add(outcome)
    if outcome.error_kind is not None:
        errors.write({"line": src.number, "error": outcome.error_kind, "message": outcome.error})
    writer.write(apply_outcome(src.record, outcome, opts, src.encoding))


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(total: int | None, name: str, *, enabled: bool) -> Any:
    """A tqdm bar on a terminal (records/s, and an ETA when the record count is known); nothing otherwise."""
    if not enabled:
        return _NoBar()
    try:
        from tqdm import tqdm
    except ImportError:
        return _NoBar()
    return tqdm(total=total, desc=name, unit=" rec", file=sys.stderr, dynamic_ncols=True, smoothing=0.1)


def summary(totals: RunStats, elapsed: float, n_jobs: int) -> str:
    """The closing report: records in/out, errors by kind, characters removed, time and rate."""
    r = totals.records
    lines = [f"declutter clean: {totals.done} of {n_jobs} outputs written"
             + (f", {totals.resumed} already complete (skipped)" if totals.resumed else "")
             + (f", {len(totals.failed)} failed" if totals.failed else ""),
             f"  records in {r.records_in:,}, out {r.records_out:,}, cleaned {r.cleaned:,}"]
    if totals.unparseable:
        n_bad = sum(totals.unparseable.values())
        lines.append(f"  unparseable lines (not output; see *.errors.jsonl): {n_bad:,} "
                     f"({_kinds(totals.unparseable)})")
    if r.errors:
        n_err = sum(r.errors.values())
        lines.append(f"  records kept unchanged with {ERROR_FIELD}: {n_err:,} ({_kinds(r.errors)})")
    if totals.warnings:
        lines.append(f"  repaired while reading: {_kinds(totals.warnings)}")
    if totals.skipped:
        lines.append(f"  skipped on purpose: {_kinds(totals.skipped)}")
    rate = r.records_out / elapsed if elapsed > 0 else 0.0
    lines.append(f"  removed {r.chars_removed:,} characters in {r.blocks_removed:,} blocks")
    lines.append(f"  time {elapsed:.1f} s, {rate:,.1f} records/s")
    lines.append("SUMMARY " + json.dumps({
        "records_in": r.records_in, "records_out": r.records_out, "cleaned": r.cleaned,
        "unparseable": dict(totals.unparseable), "errors": dict(r.errors), "chars_removed": r.chars_removed,
        "blocks_removed": r.blocks_removed, "outputs_done": totals.done, "outputs_resumed": totals.resumed,
        "failed": totals.failed, "seconds": round(elapsed, 3), "records_per_s": round(rate, 2)}))
    return "\n".join(lines)


def _kinds(counter: Counter[str]) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in sorted(counter.items()))


if __name__ == "__main__":
    sys.exit(main())
