"""Streaming readers and atomic writers for the dataset formats ``declutter clean`` handles.

Readers yield :class:`SourceRecord` one at a time (never the whole input); writers write to a temporary name
beside the target and only :meth:`commit` renames it into place, so a finished-looking output is complete.
"""

from declutter.io.base import Reader, SourceRecord, Writer
from declutter.io.formats import FORMATS, detect_format, open_reader, open_writer, output_suffix

__all__ = ["FORMATS", "Reader", "SourceRecord", "Writer", "detect_format", "open_reader", "open_writer",
           "output_suffix"]
