"""The pipeline: input -> decode -> parse/segment -> features -> score -> smooth -> label -> Document."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from declutter import features_html, features_text
from declutter.decode import decode_page, looks_like_html, repair
from declutter.document import Block, Document
from declutter.errors import DeclutterError
from declutter.hints import PageHints, page_hints
from declutter.label import page_reasons
from declutter.model import Model, load_model
from declutter.parse import adopt_tree, clean_tree, page_title, parse_html
from declutter.segment_html import HtmlSegment, segment_html
from declutter.segment_text import segment_text
from declutter.settings import Options
from declutter.smooth import decide, drop_repeats, smooth
from declutter.title import html_title, text_title

HTML_MODEL = "html"
TEXT_MODEL = "text"


def clean(page: Any, *, options: Options | None = None, **kwargs: Any) -> Document:
    """Score every block of ``page`` and label it content or junk.

    ``page`` may be bytes (any encoding), an HTML or plain-text ``str``, a bs4 tree or an lxml element; the
    caller's tree is never modified. Keyword options are those of :class:`declutter.Options`
    (``input_kind``, ``url``, ``encoding``, ``favor``, ``threshold``).

    Bad input never raises anything but :class:`DeclutterError`:

    * empty or whitespace-only input, and pages with no visible text (only scripts, say), give an empty
      Document (no blocks, ``text == ""``);
    * binary data (a PDF, an image, random bytes), a wrong type (``None``, an ``int``), an unknown encoding
      name, input over ``max_input_size`` and invalid options raise :class:`DeclutterError`
      (:class:`DecodeError` for bytes that are not text).

    Truncated or malformed markup, lone surrogates, NUL and other control characters, and UTF-8 that was
    mis-decoded upstream ("cafÃ©") are repaired silently.
    """
    if options is None:
        options = Options(**kwargs)
    elif not isinstance(options, Options):
        raise DeclutterError(f"options must be a declutter.Options, not {type(options).__name__}")
    elif kwargs:
        options = dataclasses.replace(options, **kwargs)
    return _clean(page, options)


def extract(page: Any, *, options: Options | None = None, **kwargs: Any) -> str:
    """The article text of ``page``: ``clean(page, ...).text``."""
    return clean(page, options=options, **kwargs).text


def _clean(page: Any, opts: Options) -> Document:
    encoding: str | None = None
    if isinstance(page, (bytes, bytearray, memoryview)):
        data = bytes(page)
        _check_size(len(data), "bytes", opts)
        if not data or data.isspace():  # ``not data.strip()`` without copying the page
            return _empty(opts, encoding=None)
        text, encoding, exact = decode_page(data, opts.encoding)
    elif isinstance(page, str):
        _check_size(len(page), "characters", opts)
        text, exact = page, None
    else:
        return _from_tree(adopt_tree(page), opts, encoding=None)
    text, utf8 = repair(text, exact)
    kind = opts.input_kind
    if kind == "auto":
        kind = "html" if looks_like_html(text) else "text"
    if not text or text.isspace():
        return _empty(opts, encoding=encoding, kind=kind)
    if kind == "html":
        return _from_tree(parse_html(text, chars_clean=True, utf8=utf8), opts, encoding=encoding)
    return _from_text(text, opts, encoding=encoding)


def _check_size(size: int, unit: str, opts: Options) -> None:
    if size > opts.max_input_size:
        raise DeclutterError(f"input is {size:,} {unit}, over the limit of {opts.max_input_size:,}")


def _empty(opts: Options, encoding: str | None, kind: str | None = None) -> Document:
    if kind is None:
        kind = "text" if opts.input_kind == "auto" else opts.input_kind
    model = load_model(HTML_MODEL if kind == "html" else TEXT_MODEL)
    threshold = float(opts.threshold) if opts.threshold is not None else model.threshold(opts.favor)
    return Document(input_kind=kind, encoding=encoding, url=opts.url, threshold=threshold)


def repair_text(text: str) -> str:
    """Decoded text made safe and readable: bad characters, mis-decoded UTF-8 and a leading BOM fixed."""
    return repair(text)[0]


def html_segments(root: Any) -> tuple[list[HtmlSegment], str | None, PageHints]:
    """A parsed page's blocks, title and page-type hints (the trainer builds its rows with this too)."""
    stated = page_title(root)
    hints = page_hints(root)  # before clean_tree, which drops <head> and scripts
    segments = segment_html(clean_tree(root))
    return segments, html_title(stated, segments), hints


def _from_tree(root: Any, opts: Options, encoding: str | None) -> Document:
    segments, title, hints = html_segments(root)
    model = load_model(HTML_MODEL)
    X = features_html.html_features(segments, title, hints)
    # Positional (text, kind, score, label, reasons, index, level, tag, path): half the cost of keywords.
    blocks = [Block(s.text, s.kind, 0.0, "junk", (), i, s.level, s.tag, s.path)
              for i, s in enumerate(segments)]
    return _score(blocks, X, features_html.FEATURES, model, opts, title, "html", encoding)


def _from_text(text: str, opts: Options, encoding: str | None) -> Document:
    segments = segment_text(text)
    model = load_model(TEXT_MODEL)
    X = features_text.text_features(segments)
    blocks = [
        Block(text=s.text, kind=s.kind, level=s.level, index=i, new_paragraph=s.new_paragraph)
        for i, s in enumerate(segments)
    ]
    return _score(blocks, X, features_text.FEATURES, model, opts, text_title(segments), "text", encoding)


def _columns(X: np.ndarray, names: tuple[str, ...], model: Model) -> np.ndarray:
    if tuple(model.features) == names:
        return X
    col = {n: i for i, n in enumerate(names)}
    missing = [f for f in model.features if f not in col]
    if missing:
        raise DeclutterError(f"model {model.name} needs features this version lacks: {missing[:5]}")
    return X[:, [col[f] for f in model.features]]


def _score(blocks: list[Block], X: np.ndarray, names: tuple[str, ...], model: Model, opts: Options,
           title: str | None, kind: str, encoding: str | None) -> Document:
    threshold = float(opts.threshold) if opts.threshold is not None else model.threshold(opts.favor)
    doc = Document(blocks=blocks, title=title, input_kind=kind, encoding=encoding, url=opts.url,
                   threshold=threshold)
    if not blocks:
        return doc
    raw = model.predict(_columns(X, names, model))
    scores = smooth(raw, model.smoothing)
    params = _decision_params(model, opts)
    passed = decide(scores, threshold, params)
    keep = drop_repeats(passed, [b.text for b in blocks]) if params.get("drop_repeats") else passed
    labels = ["content" if k else "junk" for k in keep]
    for b, s, label, why in zip(blocks, scores, labels, page_reasons(X, names, labels), strict=True):
        b.score = float(s)
        b.label = label
        b.reasons = why
    for i in np.flatnonzero(passed & ~keep).tolist():
        blocks[i].reasons = ("repeats earlier content", *blocks[i].reasons[:2])
    return doc


#: Page-level adjustments of the model's cut that an explicit ``threshold=`` switches off, so that an explicit
#: threshold means what the docs say: content is exactly the blocks scoring at least it (tail rule aside).
_FAVOR_ONLY = ("page_gate", "gate_threshold", "empty_fallback", "page_margin", "drop_repeats")


def _decision_params(model: Model, opts: Options) -> dict[str, float]:
    if opts.threshold is None:
        return model.smoothing
    return {k: v for k, v in model.smoothing.items() if k not in _FAVOR_ONLY}
