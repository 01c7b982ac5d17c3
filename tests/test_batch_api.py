"""clean_records / hf_map_fn: order kept, one output per input, failures marked, any workers alike."""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "fixtures" / "batch"))

import batch_testlib as lib

from declutter.batch import ERROR_FIELD, BatchStats, clean_records, hf_map_fn


def test_clean_records_keeps_order_and_every_field_with_the_real_cleaner() -> None:
    records = [{"id": i, "text": lib.article(i), "lang": "en"} for i in range(5)]
    out = list(clean_records(records))
    assert [r["id"] for r in out] == list(range(5))
    assert all(r["lang"] == "en" and ERROR_FIELD not in r for r in out)
    assert all("Paragraph 0" in r["text"] and "Log in" not in r["text"] for r in out)
    assert records[0]["text"] == lib.article(0), "input records are not modified"


def test_clean_records_output_is_identical_for_any_number_of_workers() -> None:
    records = [{"id": i, "text": lib.article(i, paragraphs=3 + i % 4)} for i in range(12)]
    records.insert(4, {"id": "bad", "text": 12})
    serial = list(clean_records(records, workers=0, junk_field="junk"))
    assert list(clean_records(records, workers=2, junk_field="junk")) == serial


def test_wrong_field_types_are_marked_not_fatal() -> None:
    records = [{"id": 0, "text": None}, {"id": 1, "text": 3}, {"id": 2, "text": ["a"]}, {"id": 3},
               {"id": 4, "text": lib.fake_page(4)}]
    stats = BatchStats()
    out = list(clean_records(records, clean_fn=lib.FAKE, stats=stats))
    assert [r["id"] for r in out] == [0, 1, 2, 3, 4]
    assert [r.get(ERROR_FIELD, "").split(":")[0] for r in out] == [
        "wrong_type", "wrong_type", "wrong_type", "missing_field", ""]
    assert out[1]["text"] == 3 and "text" not in out[3], "a failed record keeps its original value"
    assert stats.records_in == stats.records_out == 5
    assert stats.errors == {"wrong_type": 3, "missing_field": 1}


def test_bytes_pages_are_decoded_and_non_mappings_rejected() -> None:
    out = list(clean_records([{"text": lib.fake_page(1).encode("utf-8")}], clean_fn=lib.FAKE))
    assert out[0]["text"].startswith("This is a long line")
    with pytest.raises(TypeError):
        list(clean_records(["not a record"], clean_fn=lib.FAKE))  # type: ignore[list-item]


def test_junk_and_original_fields() -> None:
    page = lib.fake_page(1)
    out = next(clean_records([{"text": page}], clean_fn=lib.FAKE, junk_field="junk", keep_original="raw"))
    assert out == {"text": "This is a long line of article text number 1 for the tests.",
                   "raw": page, "junk": "Home\n\nAbout us"}


def test_abandoning_the_generator_stops_the_workers() -> None:
    import multiprocessing

    before = {p.pid for p in multiprocessing.active_children()}
    gen = clean_records(({"text": lib.fake_page(i)} for i in range(10_000)), workers=2, clean_fn=lib.FAKE)
    assert next(gen)["text"]
    gen.close()
    assert {p.pid for p in multiprocessing.active_children()} <= before


def test_hf_map_fn_cleans_a_batch_column_and_pickles() -> None:
    fn = pickle.loads(pickle.dumps(hf_map_fn(field="content", junk_field="junk")))
    batch = {"content": [lib.article(1), None], "id": [1, 2]}
    out = fn(batch)
    assert set(out) == {"content", "junk", ERROR_FIELD}
    assert len(out["content"]) == len(out[ERROR_FIELD]) == 2
    assert "Paragraph 0" in out["content"][0] and out[ERROR_FIELD][0] is None
    assert out["content"][1] is None and out[ERROR_FIELD][1].startswith("wrong_type")


def test_hf_map_fn_with_datasets() -> None:
    datasets = pytest.importorskip("datasets")
    ds = datasets.Dataset.from_dict({"text": [lib.article(i) for i in range(3)], "id": [0, 1, 2]})
    out = ds.map(hf_map_fn(field="text"), batched=True, batch_size=2)
    assert out["id"] == [0, 1, 2]
    assert all("Paragraph 0" in t for t in out["text"])
    assert out[ERROR_FIELD] == [None, None, None]
