"""Shared helpers of the benchmark scripts: where the data is, loaders, and docs/benchmarks.md sections.

Each benchmark script owns one section of ``docs/benchmarks.md``, delimited by
``<!-- BEGIN name -->`` / ``<!-- END name -->``, and rewrites only that section.
"""

from __future__ import annotations

import datetime as _dt
import gzip
import json
import os
import platform
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("DECLUTTER_SHARED", ROOT.parent / "shared"))
WCXB = SHARED / "benchmarks" / "wcxb-dev"
TEXT_DEV = SHARED / "benchmarks" / "text-dev"
DOC = ROOT / "docs" / "benchmarks.md"


@dataclass(frozen=True, slots=True)
class WcxbPage:
    id: str
    page_type: str
    domain: str
    url: str
    html: bytes
    reference: str
    title: str | None


def wcxb_pages(limit: int | None = None) -> Iterator[WcxbPage]:
    meta = json.loads((WCXB / "metadata.json").read_text())["files"]
    for n, pid in enumerate(sorted(meta)):
        if limit is not None and n >= limit:
            break
        gt = json.loads((WCXB / "ground-truth" / f"{pid}.json").read_text())
        yield WcxbPage(
            id=pid,
            page_type=meta[pid]["page_type"],
            domain=meta[pid]["domain"],
            url=gt.get("url", ""),
            html=gzip.decompress((WCXB / "html" / f"{pid}.html.gz").read_bytes()),
            reference=gt["ground_truth"].get("main_content") or "",
            title=gt["ground_truth"].get("title"),
        )


def text_dev(variant: str) -> list[dict]:
    """Records of ``fullpage`` / ``extracted`` (gzipped JSONL) or ``seed``."""
    path = TEXT_DEV / (f"{variant}.jsonl" if variant == "seed" else f"{variant}.jsonl.gz")
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def stamp(command: str) -> str:
    return f"_Measured {_dt.date.today().isoformat()} on {machine()}; command: `{command}`._\n"


def write_section(name: str, markdown: str) -> None:
    """Replace (or append) the ``name`` section of docs/benchmarks.md."""
    DOC.parent.mkdir(parents=True, exist_ok=True)
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n\n"
    block = f"<!-- BEGIN {name} -->\n{markdown.rstrip()}\n<!-- END {name} -->"
    pattern = re.compile(rf"<!-- BEGIN {re.escape(name)} -->.*?<!-- END {re.escape(name)} -->", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _m: block, text)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(text, encoding="utf-8")


def table(header: list[str], rows: list[list[object]]) -> str:
    def cell(v: object) -> str:
        return f"{v:.3f}" if isinstance(v, float) else str(v)

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in r) + " |" for r in rows]
    return "\n".join(lines) + "\n"
