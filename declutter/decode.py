"""Bytes to text, and plain text versus HTML.

The order of evidence for bytes: a BOM; the caller's ``encoding`` (an HTTP charset, say); the page's own
``<meta>`` declaration; a chardet guess. One exception: a declared single-byte charset (latin-1, cp1252,
...) decodes *any* bytes, so when the bytes are also valid UTF-8 with multi-byte sequences, UTF-8 wins — that
is the commonest wrong declaration on the web and the usual source of mojibake.

Real pages are often cut short mid-character or carry a stray byte or two in another encoding; a charset that
decodes all but a handful of bytes is still the right one, so it is kept (the bad bytes become U+FFFD) rather
than falling through to a guess that turns every accented letter into mojibake.
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


def _canon(name: str) -> str:
    return codecs.lookup(name).name


#: Charsets that map every byte to some character, so a successful decode proves nothing.
_SINGLE_BYTE = frozenset(
    _canon(name)
    for name in (
        "latin-1", "cp1252", "iso-8859-2", "iso-8859-15", "cp1250", "cp1251", "koi8-r", "mac-roman", "ascii",
        "cp1253", "cp1254", "cp1257", "iso-8859-5", "iso-8859-7", "iso-8859-9",
    )
)

#: Labels that browsers (WHATWG) read as a superset: pages declaring the narrow one use the wide one's bytes.
_SUPERSETS: dict[str, str] = {
    _canon("latin-1"): "cp1252",
    _canon("ascii"): "cp1252",
    _canon("iso-8859-9"): "cp1254",
    _canon("gb2312"): "gb18030",
    _canon("gbk"): "gb18030",
    _canon("shift_jis"): "cp932",
    _canon("euc-kr"): "cp949",
    _canon("big5"): "big5hkscs",
    _canon("tis-620"): "cp874",
}

#: At most this share of undecodable bytes (as U+FFFD) is tolerated in a declared or detected charset.
_MAX_BAD_SHARE = 0.002
_CHARDET_SAMPLE = 256 * 1024
_MAGIC_BINARY: tuple[bytes, ...] = (
    b"%PDF-", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"BZh", b"\x7fELF",
    b"(\xb5/\xfd", b"RIFF", b"OggS", b"ID3", b"\x00\x00\x01\x00", b"wOFF", b"wOF2", b"\xd0\xcf\x11\xe0",
    b"7z\xbc\xaf", b"Rar!", b"\xfd7zXZ", b"MZ\x90\x00", b"\xca\xfe\xba\xbe", b"SQLite format",
)
#: Control characters (tab and line breaks aside) and DEL: many of them mean binary data, not text.
_CONTROL_BYTES = bytes((*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F))
_HTML_START = re.compile(
    r"\ufeff?\s*(?:<\?xml[^>]*>\s*)?(?:<!--|<(?:!doctype\s+html|html|head|body|meta|title)\b)", re.I
)
_TAG_NAMES = (
    r"p|div|span|a|br|li|ul|ol|table|td|tr|th|h[1-6]|script|style|meta|link|img|section|article|nav|"
    r"header|footer|main|aside|form|input|button|iframe|strong|em|b|i|pre|code|blockquote"
)
_TAG = re.compile(rf"</?(?:{_TAG_NAMES})\b[^<>]{{0,2000}}>", re.I)
#: Evidence that a tag is markup and not prose naming a tag: a closing tag, or an attribute with a value.
_STRONG_TAG = re.compile(
    rf"</(?:{_TAG_NAMES}|[a-z][a-z0-9]*-[\w-]*)\s*>|<(?:{_TAG_NAMES})\s+[\w:-]+\s*=[^<>]{{0,2000}}>", re.I
)
#: Any tag, custom elements included (``<app-root>``, ``<util-analytics id=x>``).
_STARTS_WITH_TAG = re.compile(r"\ufeff?\s*<[a-zA-Z][\w:.-]*(?:\s[^<>]{0,2000})?/?>")


def _normalise(name: str) -> str | None:
    try:
        return codecs.lookup(name.strip()).name
    except (LookupError, ValueError):
        return None


def _widen(name: str) -> str:
    return _SUPERSETS.get(name, name)


def _lenient(data: bytes, encoding: str) -> str | None:
    """Decode, forgiving a sequence cut off at the end and a very few bad bytes; None for a wrong codec."""
    try:
        decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        text = decoder.decode(data, final=False)
    except (LookupError, ValueError):
        return None
    bad = text.count("\ufffd")
    if bad and (bad > max(2, _MAX_BAD_SHARE * len(text)) or _non_ascii(text) - bad < bad):
        return None
    return text


def _non_ascii(text: str) -> int:
    return len(text) - len(text.encode("ascii", "ignore"))


def _utf8_with_multibyte(data: bytes) -> str | None:
    """The UTF-8 reading of ``data`` when it has multi-byte sequences and (nearly) no invalid bytes."""
    if data.isascii():
        return None
    try:
        text = data.decode("utf-8")  # the common case, several times faster than the lenient decoder
    except UnicodeDecodeError:
        pass
    else:
        if "\ufffd" not in text:
            return text  # non-ASCII bytes that decode strictly: multi-byte sequences, nothing replaced
    text = _lenient(data, "utf-8")
    if text is None or text.isascii() or _non_ascii(text) == text.count("\ufffd"):
        return None
    return text


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 text without a BOM shows up as NUL in every other byte for Latin-script pages."""
    sample = data[:4096]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    name = None
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        name = "utf-16-le"
    elif even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        name = "utf-16-be"
    text = _lenient(data, name) if name else None
    return (text, name) if text is not None and name else None


def _check_binary(data: bytes) -> None:
    head = data[:16]
    if any(head.startswith(m) for m in _MAGIC_BINARY) or data[:1024].lstrip().startswith(b"%PDF-"):
        raise DecodeError(f"input looks like a binary file (starts with {head[:8]!r}), not a web page")


def _check_text(text: str, encoding: str) -> str:
    sample = text[:65536]
    if sample and _control_count(sample) > max(8, len(sample) // 100):
        raise DecodeError(f"input decoded as {encoding} is mostly control characters: binary, not a page")
    return text


def _has_any_byte(data: bytes, chars: tuple[bytes, ...]) -> bool:
    """Whether any of ``chars`` (single bytes) occurs in ``data``: one ``memchr`` per byte, several times
    cheaper than a ``translate`` or a regex character class over the whole page when, as usual, none does."""
    return any(c in data for c in chars)


def _control_count(sample: str) -> int:
    """Characters of ``_CONTROL_BYTES`` in ``sample``, counted in C: each is one byte in UTF-8, and no other
    character's UTF-8 holds a byte below 0x80."""
    data = sample.encode("utf-8", "surrogatepass")
    return len(data) - len(data.translate(None, _CONTROL_BYTES))


def _declared(data: bytes) -> str | None:
    try:
        found = EncodingDetector.find_declared_encoding(data[:65536], is_html=True,
                                                        search_entire_document=False)
    except (ValueError, LookupError, UnicodeError):
        return None
    return _normalise(found) if found else None


def decode_bytes(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Return ``(text, encoding_name)`` for raw page bytes; raise :class:`DecodeError` for binary data."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return _check_text(data[len(bom):].decode(name, errors="replace"), name), name
    _check_binary(data)
    explicit: str | None = None
    if encoding:
        explicit = _normalise(encoding)
        if explicit is None:
            raise DecodeError(f"unknown encoding {encoding!r}")
    found = _from_declarations(data, explicit, _declared(data))
    if found is not None:
        return _check_text(found[0], found[1]), found[1]
    return _undeclared(data)


def decode_page(data: bytes, encoding: str | None = None) -> tuple[str, str, bytes | None]:
    """``decode_bytes``, plus ``data`` itself when it is exactly the text's UTF-8, so that ``repair`` need
    not encode the page again (most pages are UTF-8 or ASCII)."""
    text, name = decode_bytes(data, encoding)
    exact = (name in ("utf-8", "ascii") and not data.startswith(codecs.BOM_UTF8) and "\ufffd" not in text
             and _ends_whole(data))
    return text, name, data if exact else None


def _ends_whole(data: bytes) -> bool:
    """Whether UTF-8 ``data`` ends with a whole character (the lenient decoder drops a cut-off one)."""
    tail = data[-4:]
    i = len(tail) - 1
    while i > 0 and tail[i] & 0xC0 == 0x80:
        i -= 1
    lead = tail[i] if tail else 0
    need = 1 if lead < 0x80 else 2 if lead >> 5 == 0b110 else 3 if lead >> 4 == 0b1110 else 4
    return len(tail) - i == need


def _from_declarations(data: bytes, explicit: str | None, declared: str | None) -> tuple[str, str] | None:
    utf8 = _utf8_with_multibyte(data)
    for name, trusted in ((explicit, True), (declared, False)):
        if name is None:
            continue
        if _widen(name) in _SINGLE_BYTE and utf8 is not None:
            return utf8, "utf-8"
        if name.startswith(("utf-16", "utf-32")):
            # A <meta> saying utf-16 in bytes we could read as ASCII is always wrong; a caller may be right.
            found = _utf16_without_bom(data) if trusted and name.startswith("utf-16") else None
            if found is not None:
                return found
            continue
        wide = _widen(name)
        text = utf8 if wide == "utf-8" and utf8 is not None else _lenient(data, wide)
        if text is not None:
            return text, wide
    return None


def _undeclared(data: bytes) -> tuple[str, str]:
    utf16 = _utf16_without_bom(data)  # first: UTF-16 of ASCII text is ASCII bytes and NULs
    if utf16 is not None:
        return _check_text(*utf16), utf16[1]
    if data.isascii():
        return _check_text(data.decode("ascii"), "ascii"), "ascii"
    utf8 = _utf8_with_multibyte(data)
    if utf8 is not None:
        return _check_text(utf8, "utf-8"), "utf-8"
    guess = _chardet_guess(data)
    if guess:
        text = _lenient(data, guess)
        if text is not None:
            return _check_text(text, guess), guess
    return _check_text(data.decode("cp1252", errors="replace"), "cp1252"), "cp1252"


def _chardet_guess(data: bytes) -> str | None:
    import chardet

    result = chardet.detect(data[:_CHARDET_SAMPLE])
    name = result.get("encoding")
    norm = _normalise(name) if name else None
    return _widen(norm) if norm else None


def looks_like_html(text: str) -> bool:
    """Sniff markup: a document start, or real tags (closed, or with attributes) on many of the lines.

    Prose that *mentions* a tag ("use the <b> tag") has no closing tags or attributes, and plain text that
    quotes markup (a tutorial, a docs page with code samples) has it on few of its lines; both stay text.
    """
    head = text[:4096]
    if _HTML_START.match(head):
        return True
    sample = text[:65536]
    strong = len(_STRONG_TAG.findall(sample))
    if strong == 0:
        return False
    if _STARTS_WITH_TAG.match(head):
        return True
    lines = [line for line in sample.splitlines() if line.strip()]
    if strong >= len(lines):  # minified markup: many tags to a line
        return True
    tagged = sum(1 for line in lines if _TAG.search(line))
    return strong >= 2 and tagged >= 0.3 * len(lines)


_SURROGATE = re.compile(r"[\ud800-\udfff]")
#: Characters XML (and so lxml) cannot hold, and that no reader wants: C0 controls but tab/newline/CR,
#: and the two non-characters U+FFFE/U+FFFF. Form feed and vertical tab become line breaks.
_BAD_CHARS: dict[int, str | None] = {
    c: None for c in (*range(0x00, 0x09), *range(0x0E, 0x20), 0xFFFE, 0xFFFF)
}
_BAD_CHARS.update({0x0B: "\n", 0x0C: "\n"})
_BAD_CHAR_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


#: One scan finds both kinds of trouble (a leading character class lets the regex engine skip fast).
_TROUBLE_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean_chars(text: str) -> str:
    """Make any ``str`` safe for lxml and UTF-8 output: mend or replace lone surrogates, drop controls."""
    if text.isascii():
        if _BAD_CHAR_RE.search(text) is None:
            return text
    elif _TROUBLE_RE.search(text) is None:
        return text
    if _SURROGATE.search(text):
        # Paired surrogates (UTF-16 read as code units) become the real character; lone ones become U+FFFD.
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    if _BAD_CHAR_RE.search(text):
        text = text.translate(_BAD_CHARS)
    return text


#: ``clean_chars``'s targets in UTF-8 (surrogates as ``surrogatepass`` writes them): searched in C on the
#: bytes the parser reads anyway, they spare most pages the ``str`` scans.
_BAD_CONTROL_BYTES: tuple[bytes, ...] = tuple(bytes([c]) for c in _BAD_CHARS if c < 0x20)
_SURROGATE_UTF8 = re.compile(b"\xed[\xa0-\xbf]")


def repair(text: str, utf8: bytes | None = None) -> tuple[str, bytes]:
    """``fix_mojibake(clean_chars(text))`` without a leading BOM, and its UTF-8 (what the parser reads).

    Encoding once and testing the bytes is much faster than scanning the ``str`` for each kind of trouble;
    the ``str`` repairs run only on pages that have some. ``utf8``, when given, must be exactly ``text``
    encoded (``decode_page`` returns the input bytes when they are): then nothing is encoded at all.
    """
    data = text.encode("utf-8", "surrogatepass") if utf8 is None else utf8
    # ``in`` finds one byte with memchr, several times faster than the regex engine's scan for it;
    # U+FFFE/U+FFFF (``\xef\xbf\xbe``/``\xbf``) are looked for in the ``str``: memchr too, 3x faster than a
    # bytes regex
    if (_has_any_byte(data, _BAD_CONTROL_BYTES)
            or (b"\xef" in data and ("\ufffe" in text or "\uffff" in text))
            or (b"\xed" in data and _SURROGATE_UTF8.search(data))):
        text = clean_chars(text)
        data = text.encode("utf-8")
    # every mojibake lead character is ``\xc3`` and a byte in UTF-8: most pages have none, found by memchr
    if not text.isascii() and b"\xc3" in data and _MOJIBAKE_BYTES.search(data):
        fixed = _MOJIBAKE.sub(_unmangle, text)
        if fixed != text:
            text, data = fixed, fixed.encode("utf-8")
    if text.startswith("\ufeff"):
        text, data = text[1:], data[len("\ufeff".encode()):]
    return text, data


def _cp1252_chars(lo: int, hi: int) -> str:
    # Browsers map the five bytes cp1252 leaves undefined to the C1 controls of the same value, as latin-1.
    return "".join(bytes([b]).decode("cp1252", "ignore") or chr(b) for b in range(lo, hi + 1))


def _cp1252_bytes(seq: str) -> bytes:
    return b"".join(ch.encode("cp1252") if ch.encode("cp1252", "ignore") else ch.encode("latin-1")
                    for ch in seq)


#: UTF-8 read as cp1252 ("cafÃ©", "donâ€™t"): a lead byte's character followed by continuation bytes' ones
#: (one after a two-byte lead, two after ``â``). It starts with one character class so that the regex engine
#: scans for candidates in C instead of trying every position.
_MOJIBAKE = re.compile(
    "[{lead2}{lead3}](?:(?<=[{lead2}])[{cont}]|(?<=[{lead3}])[{cont}]{{2}})".format(
        lead2=re.escape(_cp1252_chars(0xC2, 0xDF)),
        lead3=re.escape(_cp1252_chars(0xE2, 0xE2)),
        cont=re.escape(_cp1252_chars(0x80, 0xBF)),
    )
)


def _utf8_prefilter() -> re.Pattern[bytes]:
    """A necessary condition for a ``_MOJIBAKE`` match, tested on the text's UTF-8 bytes.

    Every lead character (U+00C2-U+00DF, U+00E2) is ``\\xc3`` plus one byte in UTF-8, so the bytes regex
    has a literal first byte that the engine finds with ``memchr``; the byte after it must start a
    continuation character. Most non-ASCII pages (any accented text without mojibake) fail it at once, which
    is several times faster than scanning the ``str`` with ``_MOJIBAKE``'s leading character class.
    """
    leads = [c.encode("utf-8") for c in _cp1252_chars(0xC2, 0xDF) + _cp1252_chars(0xE2, 0xE2)]
    assert all(len(b) == 2 and b[0] == 0xC3 for b in leads)
    firsts = {c.encode("utf-8")[0] for c in _cp1252_chars(0x80, 0xBF)}

    def cls(values: set[int]) -> bytes:
        return b"[" + b"".join(re.escape(bytes([v])) for v in sorted(values)) + b"]"

    return re.compile(b"\xc3" + cls({b[1] for b in leads}) + cls(firsts))


_MOJIBAKE_BYTES = _utf8_prefilter()


def _plausible(ch: str) -> bool:
    """Characters that mis-decoding usually hides: Latin letters, and the punctuation of word processors."""
    return "\u00a0" <= ch <= "\u017f" or "\u2010" <= ch <= "\u203a" or ch in "€™"


def _unmangle(m: re.Match[str]) -> str:
    seq = m.group(0)
    try:
        fixed = _cp1252_bytes(seq).decode("utf-8")
    except UnicodeError:
        return seq
    return fixed if _plausible(fixed) else seq


def fix_mojibake(text: str) -> str:
    """Undo UTF-8 text that was decoded as cp1252/latin-1 before it reached us (a str input, a double-encoded
    page): each mangled sequence is repaired on its own, so correct text around it is left alone."""
    if text.isascii():
        return text
    if _MOJIBAKE_BYTES.search(text.encode("utf-8", "surrogatepass")) is None:
        return text  # no lead character followed by a continuation one: ``_MOJIBAKE`` cannot match
    return _MOJIBAKE.sub(_unmangle, text)
