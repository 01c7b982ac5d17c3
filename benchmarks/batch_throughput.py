"""Throughput of ``declutter clean``: records/s for --workers 1 and 2, and the batch layer's cost over a loop.

Inputs are built under /tmp (never in the repo) from the shared benchmark data, read-only:

* text: ``--records`` records (default 20,000) cycling through text-dev/fullpage.jsonl.gz with distinct ids
  (all original fields kept, ``input_text`` renamed ``text``);
* html: every WCXB dev page as a folder of .html files (``--html-repeat`` copies each).

For each input it times (1) a plain single-process loop — read JSONL, ``declutter.clean``, write JSONL — and
(2) ``declutter clean --workers 1`` and ``--workers 2`` as subprocesses (short inputs: loop and 1 worker
twice, in reverse order, against drift). The 1-worker run against the loop is the batch layer's cost; 2
against 1 is the scaling. (3) Two plain loops side by side, each on every other record, show what the
machine itself gives two processes on this work (the ceiling for ``--workers 2``).
The machine's load average is recorded with the numbers.

    python benchmarks/batch_throughput.py [--records 20000] [--skip-html] [--no-write]
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import WCXB, stamp, table
from batch_report import repeated_fullpage_records, update_part

WORK = Path(os.environ.get("DECLUTTER_BENCH_TMP", "/tmp/declutter-bench"))


def build_text_input(n: int) -> Path:
    """``n`` records cycling through text-dev fullpage, ids made distinct; rebuilt only when missing."""
    path = WORK / f"text-{n}.jsonl"
    if path.exists():
        return path
    WORK.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as out:
        for rec in itertools.islice(repeated_fullpage_records(), n):
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    tmp.rename(path)
    return path


def build_html_input(repeat: int, limit: int | None) -> Path:
    """The WCXB dev pages (all, or the first ``limit``), decompressed, as ``<id>-<k>.html`` in one folder."""
    folder = WORK / f"wcxb-html-x{repeat}-{limit or 'all'}"
    if folder.exists():
        return folder
    tmp = folder.with_name(folder.name + ".tmp")
    tmp.mkdir(parents=True, exist_ok=True)
    for page in sorted((WCXB / "html").glob("*.html.gz"))[:limit]:
        data = gzip.decompress(page.read_bytes())
        for k in range(repeat):
            (tmp / f"{page.name.removesuffix('.html.gz')}-{k}.html").write_bytes(data)
    tmp.rename(folder)
    return folder


def plain_loop_jsonl(path: Path, out: Path, part: int = 0, parts: int = 1) -> tuple[int, float]:
    """The baseline: what a user would write without the batch layer (one process, no error handling).

    ``part``/``parts`` take every ``parts``-th record from the ``part``-th (for loops run side by side).
    """
    import declutter

    n = 0
    start = time.perf_counter()
    with open(path, encoding="utf-8") as fh, open(out, "w", encoding="utf-8") as w:
        for line in itertools.islice(fh, part, None, parts):
            rec = json.loads(line)
            try:
                rec["text"] = declutter.clean(rec["text"]).text
            except Exception as e:  # the baseline must survive bad pages too
                rec["declutter_error"] = str(e)
            w.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
    return n, time.perf_counter() - start


def plain_loop_folder(folder: Path, out: Path, part: int = 0, parts: int = 1) -> tuple[int, float]:
    import declutter

    n = 0
    start = time.perf_counter()
    with open(out, "w", encoding="utf-8") as w:
        for file in sorted(folder.glob("*.html"))[part::parts]:
            try:
                text = declutter.clean(file.read_bytes(), input_kind="html").text
            except Exception as e:
                text = f"error: {e}"
            w.write(json.dumps({"id": file.name, "text": text}, ensure_ascii=False) + "\n")
            n += 1
    return n, time.perf_counter() - start


def run_cli(src: Path, out: Path, workers: int) -> dict:
    """``declutter clean`` in a subprocess: wall time (with start-up) and the CPU time of its process tree.

    The CPU time is summed over every process seen (parent, forkserver, workers), sampled every 0.25 s, so
    that the batch layer's cost can be judged on a machine that other jobs are loading.
    """
    import psutil

    cmd = [sys.executable, "-m", "declutter.batch_cli", str(src), "-o", str(out), "--workers", str(workers)]
    start = time.perf_counter()
    popen = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    root = psutil.Process(popen.pid)
    cpu: dict[int, float] = {}
    while popen.poll() is None:
        try:
            procs = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            procs = []
        for proc in procs:
            try:
                t = proc.cpu_times()
                cpu[proc.pid] = t.user + t.system
            except psutil.NoSuchProcess:
                pass
        time.sleep(0.25)
    wall = time.perf_counter() - start
    err = popen.stderr.read() if popen.stderr else ""
    if popen.returncode != 0:
        raise RuntimeError(f"declutter clean failed ({popen.returncode}):\n{err}")
    summary = next(json.loads(x[8:]) for x in err.splitlines() if x.startswith("SUMMARY "))
    return {"records": summary["records_out"], "seconds": wall, "cpu": sum(cpu.values()),
            "errors": sum(summary["errors"].values())}


LOOPS = {"jsonl": plain_loop_jsonl, "folder": plain_loop_folder}


def side_by_side(kind: str, src: Path, out: Path) -> float:
    """Records/s of two plain loops run at once as separate processes, each on every other record."""
    start = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, __file__, "--loop-part", kind, str(src), f"{out}.{k}", str(k)],
                              stdout=subprocess.PIPE, text=True) for k in range(2)]
    counts = [int(p.communicate()[0].split()[0]) for p in procs]
    if any(p.returncode for p in procs):
        raise RuntimeError("a side-by-side loop failed")
    return sum(counts) / (time.perf_counter() - start)


#: Inputs whose plain loop takes less than this (s) get a second pass of the loop and ``--workers 1``, run in
#: reverse order (loop, w1, w2, pair, w1, loop), so that a drift of the machine's speed during the run
#: cancels out of the batch layer's cost instead of deciding it.
SECOND_PASS_UNDER = 300.0


def measure(name: str, src: Path, kind: str) -> list[list[object]]:
    out = WORK / "out"
    out.mkdir(exist_ok=True)
    load = os.getloadavg()[0]

    def loop() -> tuple[int, float, float]:
        cpu0 = time.process_time()
        n, seconds = LOOPS[kind](src, out / f"{name}-loop.jsonl")
        return n, seconds, time.process_time() - cpu0

    loops = [loop()]
    w1 = [run_cli(src, out / f"{name}-w1.jsonl", 1)]
    w2 = run_cli(src, out / f"{name}-w2.jsonl", 2)
    pair = side_by_side(kind, src, out / f"{name}-pair.jsonl")
    if loops[0][1] < SECOND_PASS_UNDER:
        w1.append(run_cli(src, out / f"{name}-w1.jsonl", 1))
        loops.append(loop())
    load = max(load, os.getloadavg()[0])
    n = loops[0][0]
    loop_rate = sum(x[0] for x in loops) / sum(x[1] for x in loops)
    r1 = sum(x["records"] for x in w1) / sum(x["seconds"] for x in w1)
    r2 = w2["records"] / w2["seconds"]
    ms = [1000 * sum(x[2] for x in loops) / (n * len(loops)),
          1000 * sum(x["cpu"] for x in w1) / (n * len(w1)), 1000 * w2["cpu"] / n]
    passes = ([f"loop {x[0] / x[1]:.1f}/s" for x in loops]
              + [f"w1 {x['records'] / x['seconds']:.1f}/s" for x in w1])
    cpu_ms = " / ".join(f"{m:.1f}" for m in ms)
    print(f"{name}: loop {loop_rate:.1f}/s, w1 {r1:.1f}/s, w2 {r2:.1f}/s, two loops {pair:.1f}/s, "
          f"CPU ms/rec {cpu_ms}, load {load:.2f}; passes: {', '.join(passes)}", file=sys.stderr)
    return [[name, n, len(loops), f"{loop_rate:.1f}", f"{r1:.1f}", f"{r2:.1f}", f"{r2 / r1:.2f}x",
             f"{pair:.1f} ({pair / loop_rate:.2f}x)", f"{(loop_rate / r1 - 1) * 100:+.1f}%",
             cpu_ms, f"{(ms[1] / ms[0] - 1) * 100:+.1f}%", w2["errors"],
             f"{load:.2f}"]]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--records", type=int, default=20_000)
    p.add_argument("--html-repeat", type=int, default=1)
    p.add_argument("--html-limit", type=int, default=None, help="only the first N WCXB pages")
    p.add_argument("--skip-html", action="store_true")
    p.add_argument("--no-write", action="store_true", help="print, but do not update docs/benchmarks.md")
    p.add_argument("--loop-part", nargs=4, metavar=("KIND", "SRC", "OUT", "PART"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.loop_part:  # one of the two side-by-side loops
        kind, src, out, part = args.loop_part
        print(LOOPS[kind](Path(src), Path(out), int(part), 2)[0])
        return 0
    rows = measure("text-dev fullpage (text)", build_text_input(args.records), "jsonl")
    if not args.skip_html:
        html = build_html_input(args.html_repeat, args.html_limit)
        rows += measure("WCXB dev (HTML folder)", html, "folder")
    header = ["input", "records", "passes of loop and w1", "plain loop rec/s", "--workers 1 rec/s",
              "--workers 2 rec/s", "2 vs 1",
              "two plain loops side by side rec/s (vs one)", "wall cost of batch vs loop",
              "CPU ms/record loop / w1 / w2", "CPU cost of batch vs loop",
              "records with error", "load avg (max)"]
    md = ("### Throughput\n\n" + table(header, rows)
          + "\n`wall cost` is how much slower `--workers 1` is than the plain loop in wall time (negative:"
            " faster, as the parent parses and writes JSON while the worker cleans); wall times include"
            " start-up. `CPU cost` compares the CPU time of the whole process tree per record, which other"
            " jobs on the machine disturb much less than wall time. `two plain loops side by side` runs two"
            " separate plain-loop processes at once, each on every other record: what the machine gives two"
            " processes on this work with no batch layer at all, the ceiling for `--workers 2`. An input"
            " whose plain loop takes under 5 minutes gets a second pass of the loop and `--workers 1`, in"
            " reverse order (loop, w1, w2, pairs, w1, loop), and its rates and CPU times are over both"
            " passes: on a shared machine the speed drifts by more than the batch layer costs.\n\n"
          + stamp("python benchmarks/batch_throughput.py " + " ".join(argv or sys.argv[1:])))
    print(md)
    if not args.no_write:
        update_part("throughput", md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
