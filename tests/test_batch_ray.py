"""--engine ray on a local Ray (started here, 2 CPUs): same records, same order as the local engine."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "fixtures" / "batch"))

import batch_testlib as lib

ray = pytest.importorskip("ray")
pytest.importorskip("ray.data")

from declutter.batch import ERROR_FIELD  # noqa: E402
from declutter.batch_cli import main  # noqa: E402


@pytest.fixture(scope="module")
def local_ray() -> object:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield ray
    ray.shutdown()


def test_ray_engine_matches_local_engine(tmp_path: Path, local_ray: object) -> None:
    records = [{"id": i, "text": lib.article(i, paragraphs=2 + i % 3), "lang": "en"} for i in range(40)]
    records[5]["text"] = ""
    src = lib.write_jsonl(tmp_path / "in.jsonl", records)
    assert main([str(src), "-o", str(tmp_path / "local.jsonl"), "--workers", "0", "--quiet"]) == 0
    assert main([str(src), "-o", str(tmp_path / "ray"), "--engine", "ray", "--workers", "2", "--quiet"]) == 0
    files = sorted((tmp_path / "ray").glob("*.json"))
    got = [json.loads(line) for f in files for line in f.read_text().splitlines() if line.strip()]
    want = lib.read_jsonl(tmp_path / "local.jsonl")
    assert [r["id"] for r in got] == list(range(40))
    assert [r["text"] for r in got] == [r["text"] for r in want]
    assert all(r[ERROR_FIELD] is None and r["lang"] == "en" for r in got)
