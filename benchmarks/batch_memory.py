"""Peak memory of ``declutter clean`` on a >= 1 GB JSONL input: the whole process tree, sampled.

The input is built under /tmp (never in the repo) by repeating text-dev/fullpage.jsonl.gz records, all fields
kept and ids made distinct, until it reaches ``--gb`` GiB. The run's process tree (parent, forkserver and
workers) is sampled every 0.2 s with psutil; the peak of the summed RSS is the number that counts.

    python benchmarks/batch_memory.py [--gb 1.0] [--workers 2] [--no-write] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import stamp, table
from batch_report import repeated_fullpage_records, update_part

WORK = Path(os.environ.get("DECLUTTER_BENCH_TMP", "/tmp/declutter-bench"))


def build_input(gib: float) -> Path:
    """Repeat the fullpage records (distinct ids) until the file is ``gib`` GiB; rebuilt only when missing."""
    path = WORK / f"big-{gib:g}gib.jsonl"
    if path.exists():
        return path
    WORK.mkdir(parents=True, exist_ok=True)
    limit, size = int(gib * 1024**3), 0
    tmp = path.with_suffix(".tmp")
    records = repeated_fullpage_records()
    with open(tmp, "wb") as out:
        while size < limit:
            line = (json.dumps(next(records), ensure_ascii=False) + "\n").encode("utf-8")
            out.write(line)
            size += len(line)
    tmp.rename(path)
    return path


def tree_rss(proc: object) -> tuple[int, int]:
    """(sum of RSS over the process and all its descendants, number of processes)."""
    import psutil

    total, count = 0, 0
    try:
        procs = [proc, *proc.children(recursive=True)]  # type: ignore[attr-defined]
    except psutil.NoSuchProcess:
        return 0, 0
    for p in procs:
        try:
            total += p.memory_info().rss
            count += 1
        except psutil.NoSuchProcess:
            pass
    return total, count


def run(src: Path, out: Path, workers: int) -> dict:
    import psutil

    cmd = [sys.executable, "-m", "declutter.batch_cli", str(src), "-o", str(out), "--workers", str(workers)]
    start = time.perf_counter()
    popen = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    proc = psutil.Process(popen.pid)
    peak, peak_procs, samples = 0, 0, 0
    while popen.poll() is None:
        rss, n = tree_rss(proc)
        if rss > peak:
            peak, peak_procs = rss, n
        samples += 1
        time.sleep(0.2)
    err = popen.stderr.read() if popen.stderr else ""
    if popen.returncode != 0:
        raise RuntimeError(f"declutter clean failed ({popen.returncode}):\n{err}")
    summary = next(json.loads(x[8:]) for x in err.splitlines() if x.startswith("SUMMARY "))
    return {"peak_mb": peak / 1e6, "procs": peak_procs, "seconds": time.perf_counter() - start,
            "records": summary["records_out"], "errors": sum(summary["errors"].values()), "samples": samples}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--gb", type=float, default=1.0, help="input size in GiB (default 1)")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--no-write", action="store_true", help="print, but do not update docs/benchmarks.md")
    p.add_argument("--keep", action="store_true", help="keep the input and output under /tmp")
    args = p.parse_args(argv)
    src = build_input(args.gb)
    out = WORK / "big-out.jsonl"
    load = os.getloadavg()[0]
    r = run(src, out, args.workers)
    load = max(load, os.getloadavg()[0])
    size_gb = src.stat().st_size / 1e9
    if not args.keep:
        src.unlink()
        out.unlink(missing_ok=True)
        out.with_name(out.name + ".errors.jsonl").unlink(missing_ok=True)
    rows = [[f"{size_gb:.2f} GB JSONL", r["records"], args.workers, f"{r['peak_mb']:.0f} MB", r["procs"],
             f"{r['records'] / r['seconds']:.1f}", r["errors"], f"{load:.2f}"]]
    header = ["input", "records", "workers", "peak RSS (process tree)", "processes", "records/s",
              "records with error", "load avg (max)"]
    md = ("### Memory\n\n" + table(header, rows) + "\n"
          + stamp("python benchmarks/batch_memory.py " + " ".join(argv or sys.argv[1:])))
    print(md)
    if not args.no_write:
        update_part("memory", md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
