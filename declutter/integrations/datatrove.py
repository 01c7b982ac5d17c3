"""datatrove steps: :class:`DeclutterExtractor` (HTML -> text) and :class:`DeclutterCleaner` (text -> text).

Both count what they removed in datatrove's stats (``blocks_removed``, ``chars_removed``) and why documents
failed (``errors`` and ``error_<kind>``). Following datatrove's extractors, the extractor drops a document it
cannot extract; the cleaner keeps it unchanged with ``metadata["declutter_error"]``, as ``declutter clean``
does. With ``timeout`` set, pages are cleaned in datatrove's ``ExtractorSandbox`` (a child process killed
when a page takes longer). Needs ``pip install 'declutter[datatrove]'``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.extractors.base import BaseExtractor, ExtractorSandbox
from datatrove.utils.typeshelper import StatHints

from declutter.batch import ERROR_FIELD, BatchOptions, CleanFn, Task, resolve_clean_fn, run_task

_Cleaned = tuple[str | None, int, int, str | None, str | None]


class _Steps:
    """What both steps share: options, the cleaning call, the stats and the optional sandbox."""

    input_kind = "auto"

    def _setup(self, favor: str, threshold: float | None, timeout: float | None,
               clean_fn: str | CleanFn | None) -> None:
        self.opts = BatchOptions(input_kind=self.input_kind, favor=favor, threshold=threshold)
        self.timeout = timeout
        self.clean_fn = clean_fn
        self._fn: CleanFn | None = None

    def _clean(self, page: str, url: str | None = None) -> _Cleaned:
        """Clean one page; returns picklable plain values so it can run inside a sandbox process."""
        self._fn = self._fn or resolve_clean_fn(self.clean_fn)
        if not page:
            return "", 0, 0, None, None
        o = run_task(self._fn, Task(0, page, url=url), self.opts)
        return o.text, o.blocks_removed, o.chars_removed, o.error_kind, o.error

    def _cleaned(self, data: DocumentsPipeline) -> Any:
        """Yield ``(document, result)``; a sandbox timeout or crash becomes an error result."""
        if not self.timeout:
            for doc in data:
                yield doc, self._clean(doc.text, doc.metadata.get("url"))
            return
        with ExtractorSandbox(timeout=self.timeout, warmup_text=("", None)) as sandbox:
            for doc in data:
                try:
                    yield doc, sandbox.process_document((doc.text, doc.metadata.get("url")), self._clean)
                except TimeoutError:
                    yield doc, (None, 0, 0, "timeout", f"no result within {self.timeout:g} s")
                except EOFError:
                    yield doc, (None, 0, 0, "worker_died", "the sandbox process died on this document")

    def _count(self, result: _Cleaned) -> bool:
        """Update the step's stats; True when the page was cleaned."""
        _, blocks, chars, kind, _ = result
        stat = self.stat_update  # type: ignore[attr-defined]
        if kind is not None:
            stat("errors", f"error_{kind}")
            return False
        stat("blocks_removed", value=blocks)
        stat("chars_removed", value=chars)
        return True


class DeclutterExtractor(_Steps, BaseExtractor):
    """HTML -> article text with declutter (e.g. after ``WarcReader``); drops documents it cannot extract."""

    name = "🧹 declutter extract"
    input_kind = "html"

    def __init__(self, favor: str = "balanced", threshold: float | None = None, timeout: float | None = 5.0,
                 clean_fn: str | Callable[..., Any] | None = None) -> None:
        BaseExtractor.__init__(self, timeout or 0)
        self._setup(favor, threshold, timeout, clean_fn)

    def extract(self, text: str) -> str:
        """datatrove's extractor interface: the article text of one HTML page."""
        cleaned, *_ = self._clean(text)
        return cleaned or ""

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        for doc, result in self._cleaned(data):
            self.stat_update(StatHints.total)
            with self.track_time():
                ok = self._count(result)
            if ok and result[0]:
                doc.text = result[0]
                self.stat_update(StatHints.forwarded)
                self.update_doc_stats(doc)
                yield doc
            else:
                self.stat_update(StatHints.dropped)


class DeclutterCleaner(_Steps, PipelineStep):
    """Text -> text: removes menus, link lists and other junk from already-extracted text.

    A document that fails keeps its text and gets ``metadata["declutter_error"]``; with ``drop_empty`` a
    document left with no text is dropped (counted as ``dropped_empty``).
    """

    type = "✂️ - FORMAT"
    name = "🧹 declutter clean"

    def __init__(self, input_kind: str = "text", favor: str = "balanced", threshold: float | None = None,
                 timeout: float | None = None, drop_empty: bool = True,
                 clean_fn: str | Callable[..., Any] | None = None) -> None:
        PipelineStep.__init__(self)
        self.input_kind = input_kind
        self.drop_empty = drop_empty
        self._setup(favor, threshold, timeout, clean_fn)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        for doc, result in self._cleaned(data):
            self.stat_update(StatHints.total)
            with self.track_time():
                if self._count(result):
                    doc.text = result[0] or ""
                else:
                    doc.metadata[ERROR_FIELD] = f"{result[3]}: {result[4]}"
            if self.drop_empty and not doc.text:
                self.stat_update(StatHints.dropped, "dropped_empty")
                continue
            self.stat_update(StatHints.forwarded)
            yield doc


__all__ = ["DeclutterCleaner", "DeclutterExtractor"]
