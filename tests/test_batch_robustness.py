"""Hanging records, dying workers, bad lines and bad bytes: every record still comes out, once, in order."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "fixtures" / "batch"))

import batch_testlib as lib

from declutter.batch import (
    ERROR_FIELD,
    BatchOptions,
    BatchStats,
    WorkerPool,
    clean_records,
    clean_stream,
    make_task,
)
from declutter.batch_cli import main


def _kinds(records: list[dict]) -> dict[int, str]:
    return {r["id"]: r[ERROR_FIELD].split(":")[0] for r in records if ERROR_FIELD in r}


def test_hanging_and_crashing_records_are_marked_and_the_rest_cleaned(tmp_path: Path) -> None:
    once = f"\n@@CRASH_ONCE:{tmp_path / 'crashed'}@@"
    markers = {3: "\n@@HANG@@", 7: "\n@@CRASH@@", 11: once, 14: "\n@@RAISE@@"}
    records = [{"id": i, "text": lib.fake_page(i, markers.get(i, ""))} for i in range(20)]
    stats = BatchStats()
    out = list(clean_records(records, workers=2, timeout=1.5, clean_fn=lib.HOOKS, stats=stats))
    assert [r["id"] for r in out] == list(range(20))
    assert _kinds(out) == {3: "timeout", 7: "worker_died", 14: "exception"}
    assert out[11]["text"].startswith("This is a long line of article text number 11"), "retried once"
    assert out[3]["text"] == records[3]["text"], "a failed record keeps its original text"
    assert stats.records_in == stats.records_out == 20 and stats.cleaned == 17


def test_faults_inside_a_chunk_blame_only_their_own_record(tmp_path: Path) -> None:
    """Pages travel to workers several at a time: a hang or crash mid-chunk must not take its neighbours."""
    once = f"\n@@CRASH_ONCE:{tmp_path / 'crashed'}@@"
    markers = {1: "\n@@HANG@@", 5: "\n@@CRASH@@", 9: once, 12: "\n@@HANG@@", 19: "\n@@CRASH@@"}
    pages = [lib.fake_page(i, markers.get(i, "")) for i in range(24)]
    opts = BatchOptions(timeout=1.0)
    pool = WorkerPool(2, opts, lib.HOOKS, chunk=4)
    try:
        items = ((i, make_task(i, {"text": page}, opts)) for i, page in enumerate(pages))
        got = list(clean_stream(items, opts, pool=pool))
    finally:
        pool.close()
    assert [i for i, _ in got] == list(range(24)), "every page once, in order"
    errors = {i: o.error_kind for i, o in got if o.error_kind}
    assert errors == {1: "timeout", 5: "worker_died", 12: "timeout", 19: "worker_died"}
    assert got[9][1].text is not None and "number 9" in got[9][1].text, "a page that killed once is retried"


def test_cli_reports_malformed_lines_and_keeps_count(tmp_path: Path) -> None:
    records = [{"id": i, "text": lib.fake_page(i)} for i in range(30)]
    records[5]["text"] = 42
    raw = {3: b"{this is not json\n", 10: b"[1, 2, 3]\n", 20: b'{"id": "cut", "text": "unterminated\n'}
    src = lib.write_jsonl(tmp_path / "in.jsonl", records, raw)
    rc, summary, err = lib.run_cli(src, "-o", tmp_path / "out.jsonl", "--workers", "1", env=lib.hook_env())
    assert rc == 0, err
    out = lib.read_jsonl(tmp_path / "out.jsonl")
    assert [r["id"] for r in out] == list(range(30))
    assert summary["records_in"] == summary["records_out"] == 30
    assert summary["unparseable"] == {"invalid_json": 2, "not_an_object": 1}
    assert summary["errors"] == {"wrong_type": 1}
    errors = lib.read_jsonl(tmp_path / "out.jsonl.errors.jsonl")
    assert sorted(e["line"] for e in errors) == [4, 7, 12, 23]  # 1-based input line numbers


def test_non_utf8_bytes_are_repaired_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    good = json.dumps({"id": 0, "text": lib.fake_page(0)}).encode()
    bad = b'{"id": 1, "text": "caf\xe9 \xff\xfe line of article text that is long enough"}'
    path.write_bytes(good + b"\n" + bad + b"\n" + good.replace(b'"id": 0', b'"id": 2') + b"\n")
    rc, summary, err = lib.run_cli(path, "-o", tmp_path / "out.jsonl", "--workers", "0", env=lib.hook_env())
    assert rc == 0, err
    out = lib.read_jsonl(tmp_path / "out.jsonl")
    assert [r["id"] for r in out] == [0, 1, 2]
    assert "\ufffd" in out[1]["text"] and ERROR_FIELD not in out[1]
    assert summary["records_out"] == 3
    assert lib.read_jsonl(tmp_path / "out.jsonl.errors.jsonl")[0]["warning"] == "invalid_utf8"


def test_cli_survives_hang_and_worker_death(tmp_path: Path) -> None:
    markers = {2: "\n@@HANG@@", 6: "\n@@CRASH@@"}
    records = [{"id": i, "text": lib.fake_page(i, markers.get(i, ""))} for i in range(12)]
    src = lib.write_jsonl(tmp_path / "in.jsonl", records)
    rc, summary, err = lib.run_cli(src, "-o", tmp_path / "out.jsonl", "--workers", "2", "--timeout", "1.5",
                                   env=lib.hook_env())
    assert rc == 0, err
    out = lib.read_jsonl(tmp_path / "out.jsonl")
    assert [r["id"] for r in out] == list(range(12))
    assert _kinds(out) == {2: "timeout", 6: "worker_died"}
    assert summary["errors"] == {"timeout": 1, "worker_died": 1}


def test_interrupt_then_resume_gives_every_record_once(tmp_path: Path) -> None:
    shards = []
    for s in range(4):
        records = [{"id": f"{s}-{i}", "text": lib.fake_page(i, "\n@@SLOW@@")} for i in range(4)]
        shards.append(lib.write_jsonl(tmp_path / f"part-{s}.jsonl", records))
    out_dir = tmp_path / "out"
    cmd = lib.cli_command(*shards, "-o", f"{out_dir}{os.sep}", "--workers", "2")
    proc = subprocess.Popen(cmd, env=lib.hook_env(), stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (out_dir / "part-0.jsonl").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    finished = sorted(p.name for p in out_dir.iterdir())
    assert "part-0.jsonl" in finished and "part-3.jsonl" not in finished
    assert all(not name.startswith(".") for name in finished), "no temporary output left behind"
    rc, summary, err = lib.run_cli(*shards, "-o", f"{out_dir}{os.sep}", "--workers", "2", "--resume",
                                   env=lib.hook_env())
    assert rc == 0, err
    assert summary["outputs_resumed"] >= 1
    ids = [r["id"] for s in range(4) for r in lib.read_jsonl(out_dir / f"part-{s}.jsonl")]
    assert ids == [f"{s}-{i}" for s in range(4) for i in range(4)]


BAD_ARGS = ["--threshold=2", "--workers=-1", "--junk-field=text", "--field=declutter_error"]


@pytest.mark.parametrize("bad", BAD_ARGS)
def test_bad_arguments_exit_with_usage_error(tmp_path: Path, bad: str) -> None:
    src = lib.write_jsonl(tmp_path / "in.jsonl", [{"text": "x"}])
    with pytest.raises(SystemExit) as exc:
        main([str(src), "-o", str(tmp_path / "o.jsonl"), bad])
    assert exc.value.code == 2
    assert not (tmp_path / "o.jsonl").exists()


def test_unknown_input_format_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_text("a,b\n")
    with pytest.raises(SystemExit) as exc:
        main([str(tmp_path / "data.csv"), "-o", str(tmp_path / "o.jsonl")])
    assert exc.value.code == 2
