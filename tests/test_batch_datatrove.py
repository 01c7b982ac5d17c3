"""datatrove steps run in a LocalPipelineExecutor, count what they removed, and keep or drop failures."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "fixtures" / "batch"))

import batch_testlib as lib

pytest.importorskip("datatrove")

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter

from declutter.integrations.datatrove import DeclutterCleaner, DeclutterExtractor


def _run(tmp_path: Path, records: list[dict], step: object) -> tuple[list[dict], dict]:
    (tmp_path / "in").mkdir()
    lib.write_jsonl(tmp_path / "in" / "data.jsonl", records)
    executor = LocalPipelineExecutor(
        pipeline=[JsonlReader(str(tmp_path / "in")), step, JsonlWriter(str(tmp_path / "out"))],
        tasks=1, logging_dir=str(tmp_path / "logs"),
    )
    executor.run()
    with gzip.open(tmp_path / "out" / "00000.jsonl.gz", "rt") as fh:
        out = [json.loads(line) for line in fh]
    stats = json.loads((tmp_path / "logs" / "stats.json").read_text())
    step_stats = next(s["stats"] for s in stats if "declutter" in s["name"])
    return out, step_stats


def test_cleaner_step_cleans_text_and_counts_removals_and_errors(tmp_path: Path) -> None:
    records = [{"id": str(i), "text": lib.article(i)} for i in range(4)]
    out, stats = _run(tmp_path, records, DeclutterCleaner())  # the real cleaner
    assert [r["id"] for r in out] == ["0", "1", "2", "3"]
    assert all("Log in" not in r["text"] and "Paragraph 0" in r["text"] for r in out)
    assert stats["total"] == 4
    assert stats["blocks_removed"]["total"] > 0 and stats["chars_removed"]["total"] > 0


def test_cleaner_keeps_failed_documents_marked(tmp_path: Path) -> None:
    records = [{"id": "ok", "text": lib.fake_page(1)}, {"id": "bad", "text": lib.fake_page(2, "\n@@RAISE@@")}]
    out, stats = _run(tmp_path, records, DeclutterCleaner(clean_fn=lib.HOOKS))
    assert [r["id"] for r in out] == ["ok", "bad"]
    assert out[1]["metadata"]["declutter_error"].startswith("exception")
    assert stats["errors"] == 1 and stats["error_exception"] == 1


def test_extractor_step_turns_html_into_text_and_drops_timeouts(tmp_path: Path) -> None:
    records = [{"id": "a", "text": f"<p>{lib.fake_page(1)}</p>"}, {"id": "hang", "text": "@@HANG@@"},
               {"id": "b", "text": f"<p>{lib.fake_page(2)}</p>"}]
    out, stats = _run(tmp_path, records, DeclutterExtractor(timeout=1.0, clean_fn=lib.HOOKS))
    assert [r["id"] for r in out] == ["a", "b"]
    assert "long line of article text number 1" in out[0]["text"] and "About us" not in out[0]["text"]
    assert stats["error_timeout"] == 1 and stats["dropped"] == 1 and stats["forwarded"] == 2
