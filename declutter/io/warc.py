"""WARC (``.warc``, ``.warc.gz``) via warcio: HTML responses only, with their URL, id, date and charset."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from declutter.io.base import SourceRecord, require

HTML_TYPES = ("text/html", "application/xhtml+xml")


def http_charset(content_type: str | None) -> str | None:
    """The ``charset=`` parameter of an HTTP Content-Type header, if any."""
    for part in (content_type or "").split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("'\"") or None
    return None


class WarcReader:
    """Yields one record per HTML response: ``id``, ``url``, ``date``, ``status``, ``charset`` and the page.

    The page (bytes, transfer- and content-encoding undone) goes in ``field``; the HTTP charset is passed to
    :func:`declutter.clean` as the declared encoding. Other WARC records are counted in ``skipped``.
    """

    def __init__(self, path: Path, field: str = "text") -> None:
        self.path = path
        self.field = field
        self.total: int | None = None
        self.skipped: dict[str, int] = {}

    def _skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1

    def __iter__(self) -> Iterator[SourceRecord]:
        archive = require("warcio.archiveiterator", "warc")
        number = 0
        with open(self.path, "rb") as fh:
            for rec in archive.ArchiveIterator(fh):
                if rec.rec_type != "response":
                    self._skip(f"WARC {rec.rec_type} records")
                    continue
                content_type = rec.http_headers.get_header("Content-Type") if rec.http_headers else None
                mime = (content_type or "").split(";")[0].strip().lower()
                if mime not in HTML_TYPES:
                    self._skip("non-HTML responses")
                    continue
                number += 1
                yield self._record(rec, content_type, number)

    def _record(self, rec: Any, content_type: str | None, number: int) -> SourceRecord:
        headers = rec.rec_headers
        charset = http_charset(content_type)
        record = {
            "id": headers.get_header("WARC-Record-ID"),
            "url": headers.get_header("WARC-Target-URI"),
            "date": headers.get_header("WARC-Date"),
            "status": int(rec.http_headers.get_statuscode() or 0) or None,
            "charset": charset,
            self.field: rec.content_stream().read(),
        }
        return SourceRecord(record, number, encoding=charset, input_kind="html")
