"""The one exception type the library raises for input it cannot handle."""


class DeclutterError(ValueError):
    """Raised for input that cannot be turned into text at all (binary data, a PDF, a wrong type), and for
    invalid options.

    Empty or whitespace-only input, and pages that hold no visible text, are not errors: they give an
    empty :class:`~declutter.Document`. It subclasses ``ValueError`` so callers that already catch that
    keep working.
    """


class DecodeError(DeclutterError):
    """Bytes that no encoding turns into text (binary data, or a document format that is not HTML)."""
