"""Bytes are decoded the way a browser would, and mojibake never reaches the output."""

from __future__ import annotations

import codecs

import pytest
from conftest import has_mojibake, read_bytes

import declutter
from declutter import DecodeError
from declutter.decode import clean_chars, decode_bytes, decode_page, fix_mojibake, looks_like_html, repair

CAFE = "The café on the corner of the square has served the same crème brûlée since 1962"
CAFE_QUOTE = "only a handwritten list of the day’s dishes — “whatever the market had,”"
KYOTO = "京都の祇園にある百年以上続く茶屋が、三年間の改修工事を終えて先週再開しました。"
BRUCKE = "Die neue Fußgängerbrücke über die Spree wurde am Samstag eröffnet."
GARCIA = "Señor García opened his bakery in the village of Peñíscola forty years ago"


def _all_text(doc: declutter.Document) -> str:
    return "\n".join(b.text for b in doc.blocks) + (doc.title or "")


def _assert_clean(doc: declutter.Document, *expected: str) -> None:
    everything = _all_text(doc)
    for s in expected:
        assert s in everything
    assert has_mojibake(everything) == []
    assert has_mojibake(doc.to_markdown() + doc.to_json()) == []


def test_utf8_page() -> None:
    doc = declutter.clean(read_bytes("article.html"))
    assert doc.encoding == "utf-8"
    _assert_clean(doc, "Ålvik", "Marit Ødegård", "“We did not believe it")


def test_cp1252_page_declared_in_meta() -> None:
    doc = declutter.clean(read_bytes("article-cp1252.html"))
    assert codecs.lookup(doc.encoding or "").name == "cp1252"
    _assert_clean(doc, CAFE, CAFE_QUOTE, "Café culture in the old town")
    assert doc.title == "Café culture in the old town"


def test_shift_jis_page_declared_in_meta() -> None:
    doc = declutter.clean(read_bytes("article-shift_jis.html"))
    # Shift_JIS is read as its browser superset cp932 (Windows-31J)
    assert doc.encoding in ("cp932", "shift_jis")
    _assert_clean(doc, KYOTO, "京都の古い茶屋が再開")


def test_utf16_with_bom_and_no_declaration() -> None:
    data = read_bytes("article-utf16.html")
    assert data.startswith(codecs.BOM_UTF16_LE)
    doc = declutter.clean(data)
    assert doc.encoding == "utf-16-le"
    assert doc.input_kind == "html"
    _assert_clean(doc, BRUCKE, "Über die Brücke")


@pytest.mark.parametrize("codec", ["utf-16-be", "utf-32-le", "utf-8-sig"])
def test_other_boms(codec: str) -> None:
    page = "<html><body><p>Die neue Fußgängerbrücke über die Spree wurde am Samstag eröffnet.</p></body>"
    bom = {"utf-16-be": codecs.BOM_UTF16_BE, "utf-32-le": codecs.BOM_UTF32_LE, "utf-8-sig": b""}[codec]
    doc = declutter.clean(bom + page.encode(codec))
    _assert_clean(doc, BRUCKE)


def test_bom_beats_a_wrong_declaration() -> None:
    page = '<html><head><meta charset="iso-8859-1"></head><body><p>Señor García’s bread.</p></body></html>'
    doc = declutter.clean(codecs.BOM_UTF8 + page.encode("utf-8"))
    assert doc.encoding == "utf-8"
    _assert_clean(doc, "Señor García’s bread.")


def test_utf8_bytes_declared_as_latin1_are_read_as_utf8() -> None:
    doc = declutter.clean(read_bytes("mislabelled-utf8.html"))
    assert doc.encoding == "utf-8"
    _assert_clean(doc, GARCIA, "“Papá says the secret is patience,”")


def test_wrong_multibyte_declaration_falls_back_to_detection() -> None:
    # cp1252 bytes that claim to be UTF-8: the é would be invalid UTF-8
    page = (
        '<html><head><meta charset="utf-8"></head><body>'
        "<p>Le café de la gare sert une crème brûlée très appréciée des voyageurs pressés.</p>"
        "<p>Zoë Lefèvre y travaille depuis l’été dernier, et elle connaît déjà chaque habitué.</p>"
        "</body></html>"
    ).encode("cp1252")
    doc = declutter.clean(page)
    assert doc.encoding != "utf-8"
    _assert_clean(doc, "Le café de la gare sert une crème brûlée", "Zoë Lefèvre")


def test_http_charset_argument_beats_meta() -> None:
    # The server says Shift_JIS; the page's own <meta> wrongly says windows-1252.
    body = read_bytes("article-shift_jis.html").replace(b"charset=Shift_JIS", b"charset=windows-1252")
    doc = declutter.clean(body, encoding="shift_jis")
    _assert_clean(doc, KYOTO)


def test_http_charset_argument_for_page_without_meta() -> None:
    page = "<html><body><p>Это русский текст о погоде в горах, который нужно прочитать правильно.</p></body>"
    data = page.encode("koi8-r")
    doc = declutter.clean(data, encoding="koi8-r")
    assert codecs.lookup(doc.encoding or "").name == codecs.lookup("koi8-r").name
    _assert_clean(doc, "Это русский текст о погоде в горах")


def test_undeclared_legacy_encoding_is_detected() -> None:
    text = "Это русский текст о погоде в горах, который нужно прочитать правильно. " * 6
    doc = declutter.clean(f"<html><body><p>{text}</p></body></html>".encode("cp1251"))
    _assert_clean(doc, "Это русский текст о погоде в горах")


def test_undeclared_utf8_is_utf8() -> None:
    doc = declutter.clean("Señor García’s bakery opened forty years ago in Peñíscola.".encode())
    assert doc.encoding == "utf-8"
    _assert_clean(doc, "Señor García’s bakery")


def test_page_cut_mid_character_keeps_its_encoding() -> None:
    text = "Le café de la gare sert une crème brûlée très appréciée des voyageurs. " * 3 + "é"
    data = text.encode("utf-8")[:-1]  # the last character is cut in half
    text_out, enc = decode_bytes(data)
    assert enc == "utf-8"
    assert has_mojibake(text_out) == []
    sj = read_bytes("article-shift_jis.html")
    cut = sj[: sj.index("先週".encode("shift_jis")) + 1]  # ends inside a two-byte character
    doc = declutter.clean(cut)
    assert doc.encoding in ("cp932", "shift_jis")
    assert has_mojibake(_all_text(doc).replace("\ufffd", "")) == []
    assert "京都の祇園にある百年以上続く茶屋" in _all_text(doc)


def test_a_stray_invalid_byte_does_not_turn_utf8_into_mojibake() -> None:
    good = "Señor García opened his bakery in Peñíscola, where he still bakes every day. " * 20
    data = good.encode("utf-8") + b" \xff " + good.encode("utf-8")
    text, enc = decode_bytes(data)
    assert enc == "utf-8"
    assert "Señor García" in text
    assert "Ã" not in text


def test_str_that_was_decoded_with_the_wrong_charset_is_repaired() -> None:
    mangled = "Le cafÃ© de la gare sert une crÃ¨me brÃ»lÃ©e â€” donâ€™t miss it, says â€œZoÃ«â€\x9d."
    doc = declutter.clean(mangled)
    _assert_clean(doc, "Le café de la gare sert une crème brûlée — don’t miss it, says “Zoë”.")


def test_double_encoded_utf8_page_is_repaired() -> None:
    page = "<html><body><p>Señor García’s bakery opened forty years ago in Peñíscola.</p></body></html>"
    double = page.encode("utf-8").decode("cp1252").encode("utf-8")
    doc = declutter.clean(double)
    _assert_clean(doc, "Señor García’s bakery opened forty years ago in Peñíscola.")


@pytest.mark.parametrize("text", ["naïve café «crème»", "Straße«", "groß»", "SÃO PAULO", "Ä Ö Ü ß", "€5 ™"])
def test_correct_text_is_not_touched_by_the_mojibake_repair(text: str) -> None:
    assert fix_mojibake(text) == text


def test_unknown_encoding_name_raises_decode_error() -> None:
    with pytest.raises(DecodeError):
        declutter.clean(b"<p>hello</p>", encoding="no-such-charset")


def test_encoding_argument_is_ignored_for_str_input() -> None:
    doc = declutter.clean("<p>Señor García’s bakery opened forty years ago.</p>", encoding="cp1252")
    assert doc.encoding is None
    _assert_clean(doc, "Señor García’s bakery")


def test_text_bytes_in_cp1252_are_text() -> None:
    data = "Crème brûlée — the café’s “favourite” dessert, made fresh every morning.\n".encode("cp1252")
    doc = declutter.clean(data)
    assert doc.input_kind == "text"
    _assert_clean(doc, "Crème brûlée — the café’s “favourite” dessert")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_detected(codec: str) -> None:
    page = "<html><body><p>Die neue Fußgängerbrücke über die Spree wurde am Samstag eröffnet.</p></body>"
    doc = declutter.clean(page.encode(codec))
    assert doc.encoding == codec
    _assert_clean(doc, BRUCKE)


def test_ascii_utf16_without_bom_is_not_mistaken_for_binary() -> None:
    page = "<html><body><p>A page in UTF-16 that only uses ASCII letters, sent without a BOM.</p></body>"
    doc = declutter.clean(page.encode("utf-16-le"), threshold=0.0)
    assert "A page in UTF-16 that only uses ASCII letters" in doc.text


def test_http_charset_utf16_without_bom() -> None:
    page = "<html><body><p>Die neue Fußgängerbrücke über die Spree wurde am Samstag eröffnet.</p></body>"
    doc = declutter.clean(page.encode("utf-16-be"), encoding="utf-16")
    _assert_clean(doc, BRUCKE)


def test_text_that_mentions_the_pdf_header_is_not_binary() -> None:
    doc = declutter.clean(b"Every PDF file starts with a header such as %PDF-1.7 followed by a comment line.")
    assert "%PDF-1.7" in doc.text + doc.removed


def test_clean_chars_pairs_surrogates_and_drops_controls() -> None:
    assert clean_chars("a\ud83d\ude00b") == "a😀b"
    assert clean_chars("a\ud800b") == "a\ufffdb"
    assert clean_chars("a\x00b\x01c\x0bd\ufffee") == "abc\nde"
    assert clean_chars("tab\tnew\nline\r\n") == "tab\tnew\nline\r\n"


@pytest.mark.parametrize(
    "page",
    [
        "<!DOCTYPE html><html><body>x</body></html>",
        "\ufeff<html><head><title>x</title></head></html>",
        "<?xml version='1.0'?>\n<!DOCTYPE html><html></html>",
        "<!-- saved page -->\n<html><body><p>x</p></body></html>",
        "<div class='post'><p>A fragment of markup without a document around it.</p></div>",
        "<p>One</p>\n<p>Two</p>\n<p>Three</p>",
        'Some text with <a href="/x">a link</a> and <b>bold</b> markup inside it.',
        '<app-root ng-version="17"></app-root><util-analytics id=x></util-analytics>Text of an app shell.',
        "Intro line\n" + '<div class="a"><p>One</p><p>Two</p><ul><li><a href="/">x</a></li></ul></div>' * 3,
    ],
)
def test_markup_is_sniffed_as_html(page: str) -> None:
    assert looks_like_html(page)


@pytest.mark.parametrize(
    "page",
    [
        "Plain text about nothing in particular.\nSecond line.",
        "I love the <b> tag. It makes things bold.\nAlso <i> is nice.\nAnd <p> makes paragraphs.",
        "Use a <div> for layout and a <span> for inline text; a <table> holds data, a <ul> a list.",
        "Email me at <john@example.org> or call 555-0100.",
        "if a < b and b > c then <p> is printed",
        "\n".join(
            ["A tutorial page copied as plain text explains paragraphs in prose, line after line."] * 8
            + ['Example: <p class="intro">Hello</p> renders one paragraph.']
            + ["More explanation follows in ordinary sentences, with no markup in them at all."] * 8
            + ['And a link: <a href="/next">next page</a> ends the lesson.']
        ),
    ],
)
def test_prose_that_mentions_tags_stays_text(page: str) -> None:
    assert not looks_like_html(page)


def test_text_page_that_mentions_tags_keeps_them() -> None:
    data = read_bytes("mentions-tags.txt")
    doc = declutter.clean(data)
    assert doc.input_kind == "text"
    everything = _all_text(doc)
    assert "wrap it in the <b> element or, better, the <strong> element" in everything
    assert "A paragraph is marked with <p>, and a line break inside it with <br>." in everything


@pytest.mark.parametrize("data", [
    b"plain ascii",
    "caf\u00e9 \u2019quoted\u2019 \u65e5\u672c".encode(),
    b'<meta charset="utf-8"><p>cut off caf\xc3',  # the lenient decoder drops the cut-off character
    b'<meta charset="utf-8"><p>euro \xe2\x82',
    b'<meta charset="utf-8"><p>bad \xff byte \xc3\xa9</p>',
    b"\xef\xbb\xbfwith a BOM \xc3\xa9",
    "real replacement \ufffd char".encode(),
    "emoji \U0001f600".encode(),
    "caf\u00e9".encode("cp1252"),
    "<meta charset='shift_jis'>\u65e5\u672c".encode("shift_jis"),
])
def test_decode_page_passes_input_bytes_only_when_they_are_the_texts_utf8(data: bytes) -> None:
    text, name, exact = decode_page(data)
    assert (text, name) == decode_bytes(data)
    if exact is not None:
        assert exact == text.encode("utf-8", "surrogatepass")
    assert repair(text, exact) == repair(text)


def test_decode_page_passes_the_bytes_of_plain_utf8_pages() -> None:
    data = "caf\u00e9 \u2019quoted\u2019".encode()
    assert decode_page(data)[2] is data
