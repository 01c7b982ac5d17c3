"""The ``batch`` section of docs/benchmarks.md, shared by batch_throughput.py and batch_memory.py.

Each script owns one part of the section (``<!-- batch:NAME -->`` ... ``<!-- /batch:NAME -->``) and keeps
the other script's part as it is.
"""

from __future__ import annotations

import gzip
import itertools
import json
import re
from collections.abc import Iterator

from _common import DOC, TEXT_DEV, write_section

PARTS = ("throughput", "memory")
INTRO = ("## Batch cleaning (`declutter clean`)\n\n"
         "See docs/batch.md. Inputs are built under /tmp from the shared data (read-only).")


def _current_section() -> str:
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    m = re.search(r"<!-- BEGIN batch -->\n(.*?)\n<!-- END batch -->", text, re.S)
    return m.group(1) if m else ""


def update_part(name: str, markdown: str) -> None:
    current = _current_section()
    parts = {}
    for part in PARTS:
        m = re.search(rf"<!-- batch:{part} -->\n(.*?)\n<!-- /batch:{part} -->", current, re.S)
        parts[part] = m.group(1) if m else ""
    parts[name] = markdown.strip()
    body = [INTRO]
    body += [f"<!-- batch:{p} -->\n{parts[p]}\n<!-- /batch:{p} -->" for p in PARTS if parts[p]]
    write_section("batch", "\n\n".join(body))


def repeated_fullpage_records() -> Iterator[dict]:
    """text-dev fullpage records cycled forever as batch input (``text`` field), repeats with distinct ids."""
    with gzip.open(TEXT_DEV / "fullpage.jsonl.gz", "rt", encoding="utf-8") as fh:
        base = [json.loads(line) for line in fh if line.strip()]
    for i in itertools.count():
        rec = dict(base[i % len(base)])
        rec["id"] = f"{rec['id']}-{i // len(base)}"
        rec["text"] = rec.pop("input_text")
        yield rec
