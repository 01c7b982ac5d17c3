"""Bytes to text, and plain text versus HTML.

The order of evidence for bytes: a BOM; the caller's ``encoding`` (an HTTP charset, say); the page's own
``<meta>`` declaration; a chardet guess. One exception: a declared single-byte charset (latin-1, cp1252, ...)
decodes *any* bytes, so when the bytes are also valid UTF-8 with multi-byte sequences, UTF-8 wins — that is the
commonest wrong declaration on the web and the usual source of mojibake.
"""

from __future__ import annotations

import codecs
import re

from bs4.dammit import EncodingDetector

from declutter.errors import DecodeError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

#: Charsets that map every byte to some character, so a successful decode proves nothing.
_SINGLE_BYTE = frozenset(
    codecs.lookup(name).name
    for name in (
        "latin-1", "cp1252", "iso-8859-2", "iso-8859-15", "cp1250", "cp1251", "koi8-r", "mac-roman", "ascii",
    )
)

_CHARDET_SAMPLE = 256 * 1024
_MAGIC_BINARY: tuple[bytes, ...] = (
    b"%PDF-", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"BZh", b"\x7fELF",
    b"(\xb5/\xfd", b"RIFF", b"OggS", b"ID3", b"\x00\x00\x01\x00", b"wOFF", b"wOF2",
)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_HTML_START = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b", re.I | re.S)
_TAG = re.compile(
    r"</?(?:p|div|span|a|br|li|ul|ol|table|td|tr|th|h[1-6]|script|style|meta|link|img|section|article|nav|"
    r"header|footer|main|aside|form|input|button|iframe|strong|em|b|i|pre|code|blockquote)\b[^<>]{0,2000}>",
    re.I,
)


def _normalise(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _is_multibyte_utf8(data: bytes) -> str | None:
    if data.isascii():
        return None
    return _strict(data, "utf-8")


def _check_binary(data: bytes) -> None:
    head = data[:16]
    if any(head.startswith(m) for m in _MAGIC_BINARY):
        raise DecodeError(f"input looks like a binary file (starts with {head[:8]!r}), not a web page")


def _check_text(text: str, encoding: str) -> str:
    sample = text[:65536]
    if sample and len(_CONTROL.findall(sample)) > max(8, len(sample) // 100):
        raise DecodeError(f"input decoded as {encoding} is mostly control characters: binary data, not a page")
    return text


def decode_bytes(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Return ``(text, encoding_name)`` for raw page bytes; raise :class:`DecodeError` for binary data."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return _check_text(data[len(bom):].decode(name, errors="replace"), name), name
    _check_binary(data)
    utf8 = _is_multibyte_utf8(data)
    candidates: list[str] = []
    if encoding:
        norm = _normalise(encoding)
        if norm is None:
            raise DecodeError(f"unknown encoding {encoding!r}")
        candidates.append(norm)
    declared = EncodingDetector.find_declared_encoding(data[:65536], is_html=True, search_entire_document=False)
    if declared and (norm := _normalise(declared)):
        candidates.append(norm)
    for name in candidates:
        if name in _SINGLE_BYTE and utf8 is not None:
            return _check_text(utf8, "utf-8"), "utf-8"
        if name.startswith("utf-16") or name.startswith("utf-32"):
            continue  # a <meta> saying utf-16 in bytes we could read as ASCII is always wrong
        text = _strict(data, name)
        if text is not None:
            return _check_text(text, name), name
    if data.isascii():
        return _check_text(data.decode("ascii"), "ascii"), "ascii"
    if utf8 is not None:
        return _check_text(utf8, "utf-8"), "utf-8"
    guess = _chardet_guess(data)
    if guess:
        text = _strict(data, guess)
        if text is not None:
            return _check_text(text, guess), guess
    return _check_text(data.decode("cp1252", errors="replace"), "cp1252"), "cp1252"


def _chardet_guess(data: bytes) -> str | None:
    import chardet

    result = chardet.detect(data[:_CHARDET_SAMPLE])
    name = result.get("encoding")
    return _normalise(name) if name else None


def looks_like_html(text: str) -> bool:
    """Sniff markup: a document start, or enough real tags that the text cannot be prose about HTML."""
    head = text[:4096]
    if _HTML_START.match(head):
        return True
    sample = text[:65536]
    tags = _TAG.findall(sample)
    if len(tags) < 3:
        return False
    tag_chars = sum(len(t) for t in tags)
    # Prose that mentions a few tags has few of them per line; markup has many and they take up room.
    lines = sample.count("\n") + 1
    return len(tags) >= max(3, lines // 4) or tag_chars > 0.05 * len(sample)
