"""Every input format round-trips: one output per input, order and fields kept, same bytes for any workers."""

from __future__ import annotations

import gzip
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "fixtures" / "batch"))

import batch_testlib as lib

from declutter.batch import ERROR_FIELD
from declutter.batch_cli import main


@pytest.fixture(autouse=True)
def _fake_cleaner(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DECLUTTER_CLEAN_FN", lib.FAKE)


def _records(n: int = 25) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = [
        {"id": i, "text": lib.fake_page(i), "meta": {"lang": "en", "tags": ["a", str(i)]}, "score": i / 3}
        for i in range(n)
    ]
    records[7]["text"] = None
    return records


def _write_jsonl(path: Path, records: list[dict[str, Any]]) -> None:
    data = b"".join(json.dumps(r).encode() + b"\n" for r in records)
    if path.suffix == ".gz":
        data = gzip.compress(data)
    elif path.suffix == ".zst":
        data = pytest.importorskip("zstandard").ZstdCompressor().compress(data)
    path.write_bytes(data)


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    elif path.suffix == ".zst":
        reader = pytest.importorskip("zstandard").ZstdDecompressor().stream_reader(io.BytesIO(data))
        data = reader.read()
    return [json.loads(line) for line in data.splitlines() if line.strip()]


def _run(*args: object) -> None:
    assert main([str(a) for a in args] + ["--quiet"]) == 0


def _check(records: list[dict[str, Any]], out: list[dict[str, Any]]) -> None:
    assert [r["id"] for r in out] == [r["id"] for r in records]
    for before, after in zip(records, out, strict=True):
        assert after["meta"] == before["meta"] and after["score"] == pytest.approx(before["score"])
        if before["text"] is None:
            assert after["text"] is None and after[ERROR_FIELD].startswith("wrong_type")
        else:
            assert after["text"].startswith("This is a long line") and not after.get(ERROR_FIELD)


@pytest.mark.parametrize("name", ["in.jsonl", "in.jsonl.gz", "in.jsonl.zst"])
def test_jsonl_formats_round_trip_byte_identical_across_workers(tmp_path: Path, name: str) -> None:
    records = _records()
    src = tmp_path / name
    _write_jsonl(src, records)
    outputs = []
    for workers in (0, 1, 2):
        out = tmp_path / f"w{workers}" / name
        _run(src, "-o", out, "--workers", workers)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    _check(records, _read_jsonl(tmp_path / "w2" / name))


def test_parquet_round_trips_with_schema_and_same_bytes(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    records = _records(3000)  # more than one row group
    src = tmp_path / "in.parquet"
    pq.write_table(pa.Table.from_pylist(records), src)
    _run(src, "-o", tmp_path / "a.parquet", "--workers", "0", "--junk-field", "junk")
    _run(src, "-o", tmp_path / "b.parquet", "--workers", "2", "--junk-field", "junk")
    assert (tmp_path / "a.parquet").read_bytes() == (tmp_path / "b.parquet").read_bytes()
    table = pq.read_table(tmp_path / "b.parquet")
    assert table.schema.names == ["id", "text", "meta", "score", "junk", ERROR_FIELD]
    out = table.to_pylist()
    _check(records, out)
    assert out[0]["junk"] == "Home\n\nAbout us"


def _warc(path: Path) -> None:
    warcio = pytest.importorskip("warcio")
    from warcio.statusandheaders import StatusAndHeaders

    with open(path, "wb") as fh:
        writer = warcio.WARCWriter(fh, gzip=True)
        writer.write_record(writer.create_warcinfo_record("x.warc.gz", {"software": "test"}))

        def response(url: str, body: bytes, content_type: str) -> None:
            headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            rec = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
            writer.write_record(rec)

        response("https://a.example/1", lib.fake_page(1, "\ncaf\u00e9 au lait is served all day here").encode(
            "cp1252"), "text/html; charset=windows-1252")
        response("https://a.example/logo.png", b"\x89PNG....", "image/png")
        get = io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")
        req = writer.create_warc_record("https://a.example/2", "request", payload=get)
        writer.write_record(req)
        response("https://a.example/2", lib.fake_page(2).encode(), "text/html")


def test_warc_html_responses_become_jsonl_with_url_id_date_and_charset(tmp_path: Path) -> None:
    src = tmp_path / "crawl.warc.gz"
    _warc(src)
    _run(src, "-o", f"{tmp_path / 'out'}/", "--workers", "1")
    out = _read_jsonl(tmp_path / "out" / "crawl.jsonl")
    assert [r["url"] for r in out] == ["https://a.example/1", "https://a.example/2"]
    assert out[0]["charset"] == "windows-1252" and out[1]["charset"] is None
    assert "caf\u00e9 au lait" in out[0]["text"], "the HTTP charset decoded the page"
    assert all(r["id"].startswith("<urn:uuid:") and r["date"] and r["status"] == 200 for r in out)


def test_folder_of_pages_to_folder_and_to_jsonl(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "sub").mkdir(parents=True)
    (site / "a.html").write_text(f"<p>{lib.fake_page(1)}</p>")
    (site / "sub" / "b.txt").write_text(lib.fake_page(2))
    (site / "c.html.gz").write_bytes(gzip.compress(lib.fake_page(3).encode()))
    (site / "logo.png").write_bytes(b"\x89PNG")
    _run(site, "-o", tmp_path / "clean", "--workers", "0")
    written = sorted(p.relative_to(tmp_path / "clean").as_posix() for p in (tmp_path / "clean").rglob("*"))
    assert written == ["a.txt", "c.txt", "sub", "sub/b.txt"]
    assert (tmp_path / "clean" / "sub" / "b.txt").read_text().startswith("This is a long line")
    with pytest.raises(SystemExit):  # an existing output folder is never replaced
        main([str(site), "-o", str(tmp_path / "clean")])
    assert (tmp_path / "clean" / "a.txt").exists()
    _run(site, "-o", tmp_path / "clean.jsonl", "--workers", "2")
    assert [r["id"] for r in _read_jsonl(tmp_path / "clean.jsonl")] == ["a.html", "c.html.gz", "sub/b.txt"]


def test_several_inputs_go_to_a_folder_and_resume_skips_done(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    shards = []
    for s in range(3):
        shards.append(tmp_path / f"part-{s}.jsonl.gz")
        _write_jsonl(shards[-1], _records(9))
    assert main([*map(str, shards), "-o", str(tmp_path / "out"), "--workers", "0"]) == 0
    names = sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.endswith(".errors.jsonl"))
    assert names == ["part-0.jsonl.gz", "part-1.jsonl.gz", "part-2.jsonl.gz"]
    capsys.readouterr()
    assert main([*map(str, shards), "-o", str(tmp_path / "out"), "--workers", "0", "--resume"]) == 0
    assert '"outputs_resumed": 3' in capsys.readouterr().err
